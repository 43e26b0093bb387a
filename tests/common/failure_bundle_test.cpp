#include "common/run/failure_bundle.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cstdlib>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/hdf5/hdf5_file.hpp"

namespace dreamer {
namespace {

class FailureBundleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // One folder per test process: ctest runs the cases in parallel.
    dir_ = std::filesystem::temp_directory_path() / ("dreamer_failure_bundle_test_" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  FailureReport report() const {
    FailureReport failure;
    failure.reason = "non-finite loss_model at opt_step 3";
    failure.details = {{"opt_step", 3}};
    failure.last_metrics = {{{"opt_step", 2}, {"loss_model", 1.0}}, {{"opt_step", 3}, {"loss_model", nullptr}}};
    failure.config_json = "{\"config\": {}}\n";
    failure.working_directory = dir_.string();
    failure.repro_command = "echo reproduced > repro_ran.txt";
    failure.tensors = {{"batch/reward", hdf5::ElementType::kFloat32, {2, 3}, rewards_},
                       {"batch/action", hdf5::ElementType::kInt64, {2}, actions_}};
    return failure;
  }

  std::filesystem::path dir_;
  float rewards_[6] = {0.f, 1.f, 2.f, 3.f, 4.f, 5.f};
  std::int64_t actions_[2] = {7, 1};
};

TEST_F(FailureBundleTest, HoldsEveryPartAndTheTensorsReadBack) {
  const auto bundle = write_failure_bundle(dir_, "nan_step3", report());
  EXPECT_EQ(bundle, dir_ / "nan_step3");
  const auto failure = nlohmann::json::parse(read_file_text(bundle / "failure.json"));
  EXPECT_EQ(failure["reason"], "non-finite loss_model at opt_step 3");
  EXPECT_EQ(read_file_text(bundle / "config.json"), "{\"config\": {}}\n");
  EXPECT_NE(read_file_text(bundle / "last_metrics.jsonl").find("\"loss_model\":null"), std::string::npos);

  hdf5::Handle file = hdf5::open_file_read_only(bundle / "tensors.h5");
  float rewards[6] = {};
  hdf5::read_dataset(file.get(), "batch/reward", hdf5::ElementType::kFloat32, {2, 3}, rewards);
  EXPECT_EQ(rewards[5], 5.f);
  EXPECT_EQ(hdf5::dataset_shape(file.get(), "batch/reward"), (std::vector<hsize_t>{2, 3}));
  std::int64_t actions[2] = {};
  hdf5::read_dataset(file.get(), "batch/action", hdf5::ElementType::kInt64, {2}, actions);
  EXPECT_EQ(actions[0], 7);
}

TEST_F(FailureBundleTest, ReproScriptRunsTheGivenCommand) {
  const auto bundle = write_failure_bundle(dir_, "b", report());
  ASSERT_EQ(std::system((bundle / "repro.sh").c_str()), 0);
  EXPECT_EQ(read_file_text(dir_ / "repro_ran.txt"), "reproduced\n");
}

TEST_F(FailureBundleTest, NeverOverwritesAnEarlierBundleAndLeavesNoTemporaries) {
  write_failure_bundle(dir_, "first", report());
  EXPECT_THROW(write_failure_bundle(dir_, "first", report()), Error);
  for (const auto& entry : std::filesystem::directory_iterator(dir_))
    EXPECT_NE(entry.path().filename().string().rfind(".tmp", 0), 0u) << entry.path();
}

}  // namespace
}  // namespace dreamer
