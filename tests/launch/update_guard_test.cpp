// UpdateGuard (launch/update_guard.hpp) with a tiny CPU learner: an update's
// metrics are read at the next check, not after the update, and a failure
// still names the first bad update and writes that update's own batch.
#include "launch/update_guard.hpp"

#include <gtest/gtest.h>
#include <mpi.h>
#include <torch/torch.h>

#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/file_io.hpp"
#include "common/hdf5/hdf5_file.hpp"
#include "learner/dreamer_options.hpp"
#include "tests/common/scratch_dir_test.hpp"

namespace dreamer {
namespace {

class UpdateGuardTest : public ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    torch::manual_seed(7);
    learner_ = std::make_unique<learner::LearnerWorker>(options_, torch::kCPU, nullptr, MPI_COMM_NULL);
    run_.root = dir_;
  }

  // A batch of blank frames whose every reward is `reward` (0 at t = 0),
  // so that a bundle shows which update's batch it holds.
  replay::SampleBatch batch(float reward) const {
    replay::SampleBatch result(options_.train.batch_size, options_.train.seq_len);
    std::memset(result.data(), 0, result.size_bytes());
    const replay::SampleBatchView& view = result.view();
    for (int b = 0; b < view.batch_size; ++b) {
      for (int t = 0; t < view.seq_len; ++t) {
        const int row = b * view.seq_len + t;
        view.is_first[row] = t == 0;
        view.reward[row] = t == 0 ? 0.0f : reward;
        view.continues[row] = 1.0f;
        view.stamp[row] = static_cast<std::uint64_t>(t);
      }
      view.stream[b] = b;
    }
    return result;
  }

  // NaN in one critic weight: that update's value and critic metrics are
  // NaN, but nothing in it samples from the critic, so it does not throw.
  void poison_critic() {
    torch::NoGradGuard no_grad;
    for (const auto& [name, module] : learner_->agent().named_modules()) {
      if (name == "critic") module->parameters().front().view(-1)[0] = std::numeric_limits<float>::quiet_NaN();
    }
  }

  std::vector<float> bundle_rewards(const std::string& bundle) const {
    hdf5::Handle file = hdf5::open_file_read_only(run_.failures() / bundle / "tensors.h5");
    const hsize_t b = static_cast<hsize_t>(options_.train.batch_size);
    const hsize_t t = static_cast<hsize_t>(options_.train.seq_len);
    std::vector<float> rewards(b * t);
    hdf5::read_dataset(file.get(), "batch/reward", hdf5::ElementType::kFloat32, {b, t}, rewards.data());
    return rewards;
  }

  const learner::DreamerOptions options_ = learner::DreamerOptions::preset("tiny");
  std::unique_ptr<learner::LearnerWorker> learner_;
  RunDirectory run_;
};

TEST_F(UpdateGuardTest, ANonFiniteUpdateIsFoundAtTheCheckWithItsOwnBatch) {
  UpdateGuard guard(run_, RunInvocation{}, "{}");
  guard.update(*learner_, batch(0.25f));
  guard.update(*learner_, batch(0.5f));
  EXPECT_EQ(guard.unchecked(), 2u);
  guard.check(*learner_);  // two good updates
  EXPECT_EQ(guard.unchecked(), 0u);

  poison_critic();
  guard.update(*learner_, batch(0.75f));  // update 3: no read, no throw
  EXPECT_EQ(guard.unchecked(), 1u);
  try {
    guard.check(*learner_);
    FAIL() << "the check passed a non-finite update";
  } catch (const UpdateFailure& failure) {
    EXPECT_EQ(failure.reason().rfind("non-finite values at update 3 (", 0), 0u) << failure.reason();
    EXPECT_NE(failure.reason().find("critic parameters"), std::string::npos) << failure.reason();
    EXPECT_NE(failure.reason().find("value_mean"), std::string::npos) << failure.reason();
    EXPECT_EQ(failure.bundle().filename(), "nonfinite_update3");
  }
  const auto failure = nlohmann::json::parse(read_file_text(run_.failures() / "nonfinite_update3" / "failure.json"));
  EXPECT_EQ(failure["details"]["update"], 3);
  EXPECT_TRUE(failure["details"]["update_metrics"]["value_mean"].is_null());
  EXPECT_FLOAT_EQ(bundle_rewards("nonfinite_update3")[1], 0.75f);
}

// Updates 2 and 3 are both bad and unchecked: the check names update 2, the
// first, with its own batch.
TEST_F(UpdateGuardTest, TheCheckNamesTheFirstBadUpdateAmongThoseWaiting) {
  UpdateGuard guard(run_, RunInvocation{}, "{}");
  guard.update(*learner_, batch(0.25f));
  poison_critic();
  guard.update(*learner_, batch(0.5f));
  guard.update(*learner_, batch(0.75f));
  try {
    guard.check(*learner_);
    FAIL() << "the check passed two non-finite updates";
  } catch (const UpdateFailure& failure) {
    EXPECT_EQ(failure.bundle().filename(), "nonfinite_update2") << failure.reason();
    EXPECT_EQ(failure.reason().rfind("non-finite values at update 2 (", 0), 0u) << failure.reason();
  }
  EXPECT_FLOAT_EQ(bundle_rewards("nonfinite_update2")[1], 0.5f);
  EXPECT_FALSE(std::filesystem::exists(run_.failures() / "nonfinite_update3"));
}

// Update 3 throws (an action outside the action space): the updates before
// it are checked first, so the failure is update 2's, the first bad one,
// with update 2's batch.
TEST_F(UpdateGuardTest, AnUpdateThatThrowsIsReportedAfterTheUpdatesBeforeItAreChecked) {
  UpdateGuard guard(run_, RunInvocation{}, "{}");
  guard.update(*learner_, batch(0.25f));
  poison_critic();
  guard.update(*learner_, batch(0.5f));  // update 2: bad, unchecked
  replay::SampleBatch throwing = batch(0.75f);
  throwing.view().action[1] = 255;
  try {
    guard.update(*learner_, throwing);
    FAIL() << "update 3 neither threw nor was checked";
  } catch (const UpdateFailure& failure) {
    EXPECT_EQ(failure.bundle().filename(), "nonfinite_update2") << failure.reason();
  }
  EXPECT_FLOAT_EQ(bundle_rewards("nonfinite_update2")[1], 0.5f);
  EXPECT_FALSE(std::filesystem::exists(run_.failures() / "nonfinite_update3"));
}

TEST_F(UpdateGuardTest, TheGuardChecksByItselfOnceTheMostUncheckedUpdatesWait) {
  UpdateGuard guard(run_, RunInvocation{}, "{}");
  const replay::SampleBatch good = batch(0.25f);
  for (std::size_t i = 1; i < UpdateGuard::kMaxUnchecked; ++i) guard.update(*learner_, good);
  EXPECT_EQ(guard.unchecked(), UpdateGuard::kMaxUnchecked - 1);
  guard.update(*learner_, good);
  EXPECT_EQ(guard.unchecked(), 0u);
}

}  // namespace
}  // namespace dreamer
