// The dreamer_gbasm executable: a good source gives a ROM and exit 0; a bad
// one gives exactly one "file:line: error: ..." line and a non-zero exit.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

namespace {

std::filesystem::path scratch_dir() {
  const auto dir = std::filesystem::temp_directory_path() / ("gbasm_cli_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir;
}

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

int run_gbasm(const std::filesystem::path& source, const std::filesystem::path& output,
              const std::filesystem::path& errors) {
  const std::string command = std::string(DREAMER_GBASM_EXE) + " '" + source.string() + "' '" + output.string() +
                              "' 2> '" + errors.string() + "'";
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

TEST(GbasmCli, WritesAPaddedRomForAGoodSource) {
  const auto dir = scratch_dir();
  std::ofstream(dir / "good.asm") << "org $100\nnop\njp $150\nlogo\norg $150\nhalt\n";
  ASSERT_EQ(run_gbasm(dir / "good.asm", dir / "good.gb", dir / "good.err"), 0) << read_text(dir / "good.err");
  EXPECT_EQ(std::filesystem::file_size(dir / "good.gb"), 32768u);
  std::filesystem::remove_all(dir);
}

TEST(GbasmCli, ReportsTheFirstErrorWithFileAndLineAndFails) {
  const auto dir = scratch_dir();
  std::ofstream(dir / "bad.asm") << "org $100\nnop\n  jp missing_label\nlogo\n";
  EXPECT_EQ(run_gbasm(dir / "bad.asm", dir / "bad.gb", dir / "bad.err"), 1);
  const std::string errors = read_text(dir / "bad.err");
  EXPECT_EQ(errors, (dir / "bad.asm").string() + ":3: error: undefined symbol 'missing_label'\n");
  EXPECT_FALSE(std::filesystem::exists(dir / "bad.gb"));
  std::filesystem::remove_all(dir);
}

}  // namespace
