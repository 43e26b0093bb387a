#include "common/call_error.hpp"

#include <utility>

namespace dreamer {

CallError::CallError(std::string library, std::string call, std::string detail, std::string file, int line)
    : Error(library + " call failed: " + call + ": " + detail + " at " + file + ":" + std::to_string(line)),
      library_(std::move(library)),
      call_(std::move(call)),
      file_(std::move(file)),
      line_(line) {}

void throw_call_error(const char* library, const char* call, const std::string& detail, const char* file, int line) {
  throw CallError(library, call, detail, file, line);
}

}  // namespace dreamer
