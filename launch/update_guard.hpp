#pragma once
// UpdateGuard: runs a learner's updates and stops the run at the first bad
// one, leaving a failure bundle (common/run/failure_bundle.hpp) in
// <run>/failures/. An update is bad when
//
//   - one of its metrics (a loss, KL, entropy, gradient norm, ...) is
//     non-finite: the weights are poisoned from here on; or
//   - it throws (a LibTorch error).
//
// Either way the guard then looks for the non-finite values behind it in the
// batch (reward, continues) and the parameters, and names them first.
//
//   nonfinite_update<K>[_learner<i>]/     (or failed_update<K>... when nothing is non-finite)
//     failure.json        reason (one line), update, learner, what was non-finite
//     last_metrics.jsonl  the last records this learner reported (newest last)
//     config.json         the run's config
//     repro.sh            the exact command line, from the folder it ran in
//     tensors.h5          batch/<field>: the sampled batch of update K
//
// Then it throws UpdateFailure (a dreamer::Error) whose message is one line:
// "<reason>; failure bundle <path>". The check reads the update's metrics to
// the host: one small device-to-host copy per update.
//
// Not thread-safe: the learner's one thread owns it.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <string>

#include "common/error.hpp"
#include "common/run/run_directory.hpp"
#include "launch/training_run.hpp"
#include "learner/learner_worker.hpp"
#include "replay/sample_batch.hpp"

namespace dreamer {

class UpdateFailure : public Error {
 public:
  UpdateFailure(std::string reason, std::filesystem::path bundle);
  const std::string& reason() const { return reason_; }
  const std::filesystem::path& bundle() const { return bundle_; }

 private:
  std::string reason_;
  std::filesystem::path bundle_;
};

class UpdateGuard {
 public:
  // `learner_index` < 0: the only learner (no suffix on the bundle name).
  UpdateGuard(RunDirectory run, RunInvocation invocation, std::string config_json, int learner_index = -1,
              std::size_t keep_records = 20);

  // Keeps `record` among the last `keep_records` for a bundle.
  void remember(const nlohmann::json& record);

  // learner.update(batch), checked as above; throws UpdateFailure after
  // writing the bundle.
  learner::UpdateMetrics update(learner::LearnerWorker& learner, const replay::SampleBatch& batch,
                                const torch::Tensor& device_observations = {});

 private:
  [[noreturn]] void fail(const std::string& reason, const std::string& name, nlohmann::json details,
                         const replay::SampleBatch& batch);

  RunDirectory run_;
  RunInvocation invocation_;
  std::string config_json_;
  int learner_index_;
  std::size_t keep_records_;
  std::deque<nlohmann::json> last_records_;
};

// Test-only fault injection (RunInvocation::inject_nan_at_update): sets the
// first reward of `batch` to NaN.
void poison_batch_with_nan(replay::SampleBatch& batch);

}  // namespace dreamer
