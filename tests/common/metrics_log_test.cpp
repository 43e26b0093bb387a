#include "common/run/metrics_log.hpp"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmath>
#include <fstream>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "tests/common/scratch_dir_test.hpp"

namespace dreamer {
namespace {

class MetricsLogTest : public ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    path_ = dir_ / "metrics.jsonl";
  }
  std::filesystem::path path_;
};

TEST_F(MetricsLogTest, WritesOneRecordPerLineAndNonFiniteAsNull) {
  {
    MetricsLog log(path_);
    log.append({{"env_steps", 24}, {"loss_model", 1.5}});
    log.append({{"env_steps", 48}, {"loss_model", std::nan("")}});
    log.sync();
  }
  EXPECT_EQ(read_file_text(path_), "{\"env_steps\":24,\"loss_model\":1.5}\n{\"env_steps\":48,\"loss_model\":null}\n");
  const auto records = read_metrics_log(path_);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_TRUE(records[1]["loss_model"].is_null());
}

TEST_F(MetricsLogTest, ReopeningCutsATornLastLineAndKeepsAppending) {
  std::ofstream(path_) << "{\"a\":1}\n{\"a\":2}\n{\"a\":";
  EXPECT_EQ(read_metrics_log(path_).size(), 2u);  // readers skip the torn tail
  {
    MetricsLog log(path_);
    EXPECT_EQ(log.repaired_bytes(), 5u);
    log.append({{"a", 3}});
  }
  const auto records = read_metrics_log(path_);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[2]["a"], 3);
}

TEST_F(MetricsLogTest, MalformedLineInTheMiddleIsAnErrorWithItsLineNumber) {
  std::ofstream(path_) << "{\"a\":1}\n{oops}\n{\"a\":2}\n";
  try {
    read_metrics_log(path_);
    FAIL() << "expected an error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(":2:"), std::string::npos) << error.what();
  }
}

TEST_F(MetricsLogTest, AKilledWriterLeavesOnlyWholeLines) {
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    MetricsLog log(path_);
    for (int i = 0;; ++i) log.append({{"step", i}, {"padding", std::string(static_cast<std::size_t>(i % 3000), 'x')}});
  }
  while (!std::filesystem::exists(path_) || std::filesystem::file_size(path_) < 2'000'000) ::usleep(1000);
  ::kill(child, SIGKILL);
  int status = 0;
  ::waitpid(child, &status, 0);
  // Linux may cut a large write short when SIGKILL arrives mid-copy, so the
  // guarantee is: readers see only whole records, and the next writer
  // (a resumed run) cuts the torn tail before appending.
  const auto records = read_metrics_log(path_);
  ASSERT_FALSE(records.empty());
  for (std::size_t i = 0; i < records.size(); ++i) ASSERT_EQ(records[i]["step"], static_cast<int>(i));
  {
    MetricsLog resumed(path_);
    resumed.append({{"step", static_cast<int>(records.size())}});
  }
  const std::string text = read_file_text(path_);
  EXPECT_EQ(text.back(), '\n');
  EXPECT_EQ(read_metrics_log(path_).size(), records.size() + 1);
}

}  // namespace
}  // namespace dreamer
