#include "common/config_json.hpp"

#include <nlohmann/json.hpp>

namespace dreamer {

std::string canonical_json_text(const std::string& text, const std::string& source) {
  nlohmann::ordered_json document;
  try {
    document = nlohmann::ordered_json::parse(text);
  } catch (const nlohmann::json::parse_error& error) {
    throw Error(source + ": not valid JSON at byte " + std::to_string(error.byte) + " (" + error.what() + ")");
  } catch (const nlohmann::json::exception& error) {  // e.g. a number past the double range
    throw Error(source + ": " + error.what());
  }
  return document.dump();
}

}  // namespace dreamer
