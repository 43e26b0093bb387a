#include "common/run/repro_script.hpp"

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "common/file_io.hpp"

namespace dreamer {
namespace {

TEST(ShellQuote, PlainWordsStayBareEverythingElseIsSingleQuoted) {
  EXPECT_EQ(shell_quote("--mode"), "--mode");
  EXPECT_EQ(shell_quote("/a/b-c_d.e=1,2:3+4@5%"), "/a/b-c_d.e=1,2:3+4@5%");
  EXPECT_EQ(shell_quote(""), "''");
  EXPECT_EQ(shell_quote("a b"), "'a b'");
  EXPECT_EQ(shell_quote("$HOME"), "'$HOME'");
  EXPECT_EQ(shell_quote("it's"), "'it'\\''s'");
  EXPECT_EQ(shell_command_line({"prog", "x y", "z"}), "prog 'x y' z");
}

TEST(ReproScript, RerunsTheArgumentsExactlyFromItsFolder) {
  const auto dir = std::filesystem::temp_directory_path() / ("dreamer_repro_script_test_" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "work dir");
  const std::vector<std::string> argv = {"printf", "%s\\n", "two words", "it's", "$HOME", "a\"b", "*", ""};
  const std::string command = shell_command_line(argv) + " > out.txt";
  write_repro_script(dir / "repro.sh", "line one\nline two", command, (dir / "work dir").string());
  const std::string script = read_file_text(dir / "repro.sh");
  EXPECT_EQ(script.rfind("#!/bin/sh\n# line one line two\nset -e\ncd '", 0), 0u) << script;
  const int status = std::system((dir / "repro.sh").c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 0);
  EXPECT_EQ(read_file_text(dir / "work dir" / "out.txt"), "two words\nit's\n$HOME\na\"b\n*\n\n");
  std::filesystem::remove_all(dir);
}

TEST(ReproScript, PassesTheCommandsExitStatusOn) {
  const auto dir = std::filesystem::temp_directory_path() / ("dreamer_repro_exit_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  write_repro_script(dir / "repro.sh", "fails", "exit 3", "");
  const int status = std::system((dir / "repro.sh").c_str());
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 3);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace dreamer
