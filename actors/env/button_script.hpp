#pragma once
// Button scripts: the actions `dreamer_stage state` replays from a state to
// make a start or goal state. Two forms, told apart by the first character
// that is not blank:
//
//   text   one action per token, by codec name (NOOP A B START UP DOWN LEFT
//          RIGHT, any case) or number (0-7), with an optional repeat
//          ("UP*3"); blanks and newlines separate tokens, '#' starts a
//          comment to the end of the line.
//   JSONL  a trajectory as `dreamer_eval --trajectory` writes it: one JSON
//          object a line with "action" (0-7); lines whose "episode" differs
//          from the one asked for are skipped.
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dreamer::env {

// Throws dreamer::Error naming the file, line and token of the first bad
// entry, or saying that the script (or the episode asked for) holds no action.
std::vector<std::uint8_t> parse_button_script(const std::string& text, const std::string& source, int episode = 0);
std::vector<std::uint8_t> load_button_script(const std::filesystem::path& path, int episode = 0);

}  // namespace dreamer::env
