#include "common/json_fields.hpp"

#include "common/file_io.hpp"

namespace dreamer {

nlohmann::json parse_json_file(const std::string& path) {
  const std::string text = read_file_text(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& error) {
    // parse_error, and out_of_range for a number too large for any type
    // (found by tests/fuzz/fuzz_goal_meta).
    throw Error(path + ": invalid JSON: " + error.what());
  }
}

}  // namespace dreamer
