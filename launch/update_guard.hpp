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
// "<reason>; failure bundle <path>".
//
// An update never waits for the host: its metrics stay on the device, kept
// with a copy of its batch, until check() reads those of every update since
// the last check in one device-to-host copy. The caller checks before
// weights leave the learner (weight sync, checkpoint, evaluation), at each
// report and at the end; the guard checks by itself once kMaxUnchecked
// updates wait. An update that throws is reported after the updates before
// it are checked, so the failure names the first bad update.
//
// Not thread-safe: the learner's one thread owns it.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

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
  // The most updates left unchecked: bounds the kept batches and how long a
  // run trains on after its first bad update.
  static constexpr std::size_t kMaxUnchecked = 32;

  // `learner_index` < 0: the only learner (no suffix on the bundle name).
  UpdateGuard(RunDirectory run, RunInvocation invocation, std::string config_json, int learner_index = -1,
              std::size_t keep_records = 20);

  // Keeps `record` among the last `keep_records` for a bundle.
  void remember(const nlohmann::json& record);

  // learner.update(batch); its metrics wait for check(). Throws
  // UpdateFailure (after writing the bundle) when the update throws, or when
  // it fills the unchecked updates and the check fails.
  learner::UpdateMetrics update(learner::LearnerWorker& learner, const replay::SampleBatch& batch,
                                const torch::Tensor& device_observations = {});

  // Reads the metrics of the updates since the last check (one
  // device-to-host copy) and throws UpdateFailure at the first non-finite one.
  void check(learner::LearnerWorker& learner);

  std::size_t unchecked() const { return unchecked_count_; }

 private:
  // An update whose metrics have not been read yet, with what its bundle
  // needs: copies of its metrics and of its host batch (the learner and the
  // sampler reuse both; frames kept on the device are not in a bundle).
  struct Unchecked {
    std::int64_t update = 0;
    torch::Tensor metrics;
    std::unique_ptr<replay::SampleBatch> batch;  // allocated once per slot
  };

  void keep(std::int64_t update, const learner::UpdateMetrics& metrics, const replay::SampleBatch& batch);
  [[noreturn]] void fail(const std::string& reason, const std::string& name, nlohmann::json details,
                         const replay::SampleBatch& batch);

  RunDirectory run_;
  RunInvocation invocation_;
  std::string config_json_;
  int learner_index_;
  std::size_t keep_records_;
  std::deque<nlohmann::json> last_records_;
  std::vector<Unchecked> unchecked_slots_;  // the first unchecked_count_ are in use
  std::size_t unchecked_count_ = 0;
};

// Test-only fault injection (RunInvocation::inject_nan_at_update): sets the
// first reward of `batch` to NaN.
void poison_batch_with_nan(replay::SampleBatch& batch);

}  // namespace dreamer
