#pragma once
// Config structs travel as JSON through cereal. A config type provides
//
//   template <class Archive> void serialize(Archive& archive);   // cereal NVPs
//   void validate() const;                                       // throws ConfigError
//
// config_to_json() writes every field; config_from_json() reads every field
// (a missing or mistyped field is an error naming it) and then validates, so a
// config that reaches the program is always complete and in range.
#include <cereal/archives/json.hpp>

#include <sstream>
#include <string>
#include <string_view>

#include "common/error.hpp"

namespace dreamer {

// The same JSON document as `text`, re-printed by nlohmann::json: keys in
// their order, every number in its shortest exact form. cereal's reader
// (rapidjson 1.1.0, full precision) reads numbers such as "0e96" or 300
// digits with an exponent out of bounds of its power table (found by
// fuzz_config); re-printed numbers never take that path and read back to the
// same values. Throws dreamer::Error naming `source` and the byte offset of a
// syntax error (a cut file), or a number no double holds.
std::string canonical_json_text(const std::string& text, const std::string& source);

template <typename Config>
std::string config_to_json(const Config& config, const char* root_name = "config") {
  std::ostringstream out;
  {
    cereal::JSONOutputArchive archive(out, cereal::JSONOutputArchive::Options::Default());
    archive(cereal::make_nvp(root_name, config));
  }
  return out.str();
}

// `source` names where the text came from (a file path, "--config") for the
// error message.
template <typename Config>
Config config_from_json(const std::string& text, const std::string& source, const char* root_name = "config") {
  Config config;
  // cereal reads a document with a syntax error as an empty one (a cut file
  // would be reported as a type error): canonical_json_text checks it first.
  const std::string canonical = canonical_json_text(text, source);
  try {
    std::istringstream in(canonical);
    cereal::JSONInputArchive archive(in);
    archive(cereal::make_nvp(root_name, config));
  } catch (const cereal::Exception& error) {
    // cereal's JSON reader reports a value of the wrong type as an internal
    // assertion ("... failure: IsObject()"); say it in the config's terms.
    const std::string what = error.what();
    constexpr std::string_view kAssertion = "rapidjson internal assertion failure: Is";
    if (const std::size_t at = what.find(kAssertion); at != std::string::npos) {
      const std::string type = what.substr(at + kAssertion.size(), what.find('(', at) - at - kAssertion.size());
      throw Error(source + ": cannot read config: a value of the wrong JSON type where " + type + " belongs (root \"" +
                  root_name + "\")");
    }
    throw Error(source + ": cannot read config: " + what);
  }
  config.validate();
  return config;
}

}  // namespace dreamer
