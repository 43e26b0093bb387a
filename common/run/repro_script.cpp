#include "common/run/repro_script.hpp"

#include <algorithm>
#include <cstring>

#include "common/file_io.hpp"

namespace dreamer {
namespace {

bool is_plain_shell_character(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::strchr("_./=:,+@%-", c) != nullptr;
}

}  // namespace

std::string shell_quote(const std::string& text) {
  if (!text.empty() && std::all_of(text.begin(), text.end(), is_plain_shell_character)) return text;
  std::string quoted = "'";
  for (const char c : text) {
    if (c == '\'')
      quoted.append("'\\''");
    else
      quoted.push_back(c);
  }
  quoted.push_back('\'');
  return quoted;
}

std::string shell_command_line(const std::vector<std::string>& argv) {
  std::string line;
  for (const std::string& arg : argv) {
    if (!line.empty()) line.push_back(' ');
    line.append(shell_quote(arg));
  }
  return line;
}

std::string repro_script_text(const std::string& comment, const std::string& command_line,
                              const std::string& working_directory) {
  std::string one_line = comment;
  std::replace(one_line.begin(), one_line.end(), '\n', ' ');
  std::string script = "#!/bin/sh\n# ";
  script.append(one_line).append("\nset -e\n");
  if (!working_directory.empty()) script.append("cd ").append(shell_quote(working_directory)).append("\n");
  script.append(command_line).append("\n");
  return script;
}

void write_repro_script(const std::filesystem::path& path, const std::string& comment, const std::string& command_line,
                        const std::string& working_directory) {
  write_file_atomic(path, repro_script_text(comment, command_line, working_directory));
  std::filesystem::permissions(
      path,
      std::filesystem::perms::owner_exec | std::filesystem::perms::group_exec | std::filesystem::perms::others_exec,
      std::filesystem::perm_options::add);
}

}  // namespace dreamer
