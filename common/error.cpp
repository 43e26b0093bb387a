#include "common/error.hpp"

#include <cstdio>
#include <cstdlib>

namespace dreamer {

void assertion_failed(const char* condition, const std::string& message, const char* file, int line) {
  std::fprintf(stderr, "assertion failed: %s (%s) at %s:%d\n", condition, message.c_str(), file, line);
  std::fflush(stderr);
  std::abort();
}

}  // namespace dreamer
