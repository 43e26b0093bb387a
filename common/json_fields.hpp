#pragma once
// Typed field access on nlohmann::json objects read from files the project
// does not write itself (predecessor stage lists, goal metas, baselines): a
// missing or mistyped field becomes one dreamer::Error naming the file and
// the field, instead of nlohmann's generic type_error.
#include <nlohmann/json.hpp>

#include <string>

#include "common/error.hpp"

namespace dreamer {

nlohmann::json parse_json_file(const std::string& path);

template <typename Value>
Value json_field(const nlohmann::json& object, const std::string& key, const std::string& source) {
  if (!object.is_object()) throw Error(source + ": expected a JSON object");
  const auto it = object.find(key);
  if (it == object.end()) throw Error(source + ": missing field '" + key + "'");
  try {
    return it->template get<Value>();
  } catch (const nlohmann::json::exception&) {
    throw Error(source + ": field '" + key + "' has the wrong type (" + it->type_name() + ")");
  }
}

}  // namespace dreamer
