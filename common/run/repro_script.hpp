#pragma once
// repro.sh: a /bin/sh script that reruns a command exactly, from the folder
// it ran in. Run directories and failure bundles both carry one:
//
//   #!/bin/sh
//   # <comment line>
//   set -e
//   cd '/where/it/ran'
//   /abs/path/dreamer_learner --mode standing_still --seed 1 ...
//
// Arguments are quoted for /bin/sh where they need it, so spaces, quotes and
// '$' survive the round trip.
#include <filesystem>
#include <string>
#include <vector>

namespace dreamer {

// `text` as one /bin/sh word: unchanged when it holds only characters the
// shell never interprets ([A-Za-z0-9_./=:,+@%-], not empty), else in single
// quotes with embedded quotes written as '\''.
std::string shell_quote(const std::string& text);

// Every argument shell-quoted, separated by single spaces.
std::string shell_command_line(const std::vector<std::string>& argv);

// The script's text. `comment` becomes one '#' line (newlines replaced by
// spaces); an empty `working_directory` leaves out the cd.
std::string repro_script_text(const std::string& comment, const std::string& command_line,
                              const std::string& working_directory);

// Writes repro_script_text() to `path` (atomically) and makes it executable.
void write_repro_script(const std::filesystem::path& path, const std::string& comment, const std::string& command_line,
                        const std::string& working_directory);

}  // namespace dreamer
