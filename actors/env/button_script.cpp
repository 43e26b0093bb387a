#include "actors/env/button_script.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <sstream>

#include "actors/env/action_codec.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"

namespace dreamer::env {
namespace {

// The codec's action names, in action order (action_codec.hpp).
constexpr std::array<const char*, kActionCount> kActionNames = {"NOOP", "A",    "B",    "START",
                                                                "UP",   "DOWN", "LEFT", "RIGHT"};
constexpr int kMaxRepeat = 100000;

bool parse_int(std::string_view text, int& value) {
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  return error == std::errc() && end == text.data() + text.size();
}

int action_of(std::string_view token) {
  std::string upper(token);
  std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
  for (int action = 0; action < kActionCount; ++action)
    if (upper == kActionNames[action]) return action;
  int number = -1;
  return parse_int(token, number) && number >= 0 && number < kActionCount ? number : -1;
}

std::vector<std::uint8_t> parse_text(const std::string& text, const std::string& source) {
  std::vector<std::uint8_t> actions;
  std::istringstream lines(text);
  std::string line;
  for (int line_number = 1; std::getline(lines, line); ++line_number) {
    line = line.substr(0, line.find('#'));
    std::istringstream tokens(line);
    std::string token;
    while (tokens >> token) {
      const auto where = [&] { return source + " line " + std::to_string(line_number) + ": '" + token + "'"; };
      const std::size_t star = token.find('*');
      const int action = action_of(std::string_view(token).substr(0, star));
      if (action < 0)
        throw Error(where() + " is not an action (NOOP A B START UP DOWN LEFT RIGHT or 0-7, optionally *N)");
      int repeat = 1;
      if (star != std::string::npos &&
          (!parse_int(std::string_view(token).substr(star + 1), repeat) || repeat < 1 || repeat > kMaxRepeat))
        throw Error(where() + " has a bad repeat count (1-" + std::to_string(kMaxRepeat) + ")");
      actions.insert(actions.end(), static_cast<std::size_t>(repeat), static_cast<std::uint8_t>(action));
    }
  }
  return actions;
}

std::vector<std::uint8_t> parse_jsonl(const std::string& text, const std::string& source, int episode) {
  std::vector<std::uint8_t> actions;
  std::istringstream lines(text);
  std::string line;
  for (int line_number = 1; std::getline(lines, line); ++line_number) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = source + " line " + std::to_string(line_number);
    const nlohmann::json record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (!record.is_object()) throw Error(where + ": not a JSON object");
    if (record.contains("episode") && !(record["episode"].is_number_integer() && record["episode"] == episode))
      continue;
    const auto action = record.find("action");
    if (action == record.end() || !action->is_number_integer() || *action < 0 || *action >= kActionCount)
      throw Error(where + ": field 'action' must be an integer 0-7");
    actions.push_back(action->get<std::uint8_t>());
  }
  return actions;
}

}  // namespace

std::vector<std::uint8_t> parse_button_script(const std::string& text, const std::string& source, int episode) {
  const std::size_t first = text.find_first_not_of(" \t\r\n");
  const bool jsonl = first != std::string::npos && text[first] == '{';
  std::vector<std::uint8_t> actions = jsonl ? parse_jsonl(text, source, episode) : parse_text(text, source);
  if (actions.empty())
    throw Error(source + (jsonl ? ": no step of episode " + std::to_string(episode) : std::string(": no action")));
  return actions;
}

std::vector<std::uint8_t> load_button_script(const std::filesystem::path& path, int episode) {
  return parse_button_script(read_file_text(path), path.string(), episode);
}

}  // namespace dreamer::env
