#include "common/json_fields.hpp"

#include "common/file_io.hpp"

namespace dreamer {

nlohmann::json parse_json_file(const std::string& path) {
  const std::string text = read_file_text(path);
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    throw Error(path + ": invalid JSON: " + error.what());
  }
}

}  // namespace dreamer
