#pragma once
// UpdateCadence: what a learner does around its updates, written once for
// every launch mode (the one-process run and each learner rank):
//
//   per update   test fault injection (RunInvocation::inject_nan_at_update)
//                -> the update through an UpdateGuard (launch/update_guard.hpp)
//                -> the guard's check of the updates' metrics, before a
//                   report and before weights leave the learner
//                -> every log_every_updates: the learners' gradient digest
//                   check (collective when there are several learners)
//   lead learner (index 0), as due:
//                weights to the actors      every weight_sync_every_updates
//                a metric report            every log_every_updates
//                a checkpoint               every checkpoint_every_updates
//                a greedy evaluation        every EvaluationPlan::every_updates
//                                           (not inside a copy audit window);
//                                           reached_target() once enough in
//                                           a row reach its success target
//   finish()     the guard's last check, the final checkpoint and recon.gif
//                of the last batch
//
// Where weights and reports go is the driver's business (Sinks): an MPI send
// to the actor ranks and the gate rank, or in-process hand-offs. A one-process
// run may also trace a copy audit window over its updates
// (launch/copy_audit_window.hpp).
//
// Not thread-safe: the learner's one thread owns it.
#include <torch/types.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <nlohmann/json.hpp>
#include <optional>
#include <vector>

#include "actors/env/task.hpp"
#include "common/run/episode_statistics.hpp"
#include "common/run/run_directory.hpp"
#include "launch/copy_audit_window.hpp"
#include "launch/run_config.hpp"
#include "launch/training_run.hpp"
#include "launch/update_guard.hpp"
#include "learner/learner_worker.hpp"
#include "replay/sample_batch.hpp"

namespace dreamer {

class UpdateCadence {
 public:
  struct Sinks {
    // New Player weights (player_parameters() order) and their version.
    std::function<void(const std::vector<torch::Tensor>& weights, std::int64_t version)> weights;
    // The learner's report (launch/learner_report.hpp); returns the record
    // to keep for a failure bundle (the report itself, or the gate's record
    // made of it).
    std::function<nlohmann::json(nlohmann::json report)> report;
    // A periodic evaluation's record: {"opt_steps", "periodic_eval": true,
    // <the eval_* keys of launch/policy_evaluation.hpp>}; the gate adds
    // env_steps and wall_s.
    std::function<void(nlohmann::json record)> evaluation;
    // What a periodic evaluation measures; empty: a greedy evaluation of the
    // learner's weights on the run's task (evaluate_weights,
    // launch/policy_evaluation.hpp). Tests put their own figures here.
    std::function<EpisodeStatistics(std::int64_t updates)> evaluate;
  };

  // `learner_index` is this learner rank's place among `learners` (0 leads;
  // it names its failure bundles); -1 in a one-process run.
  UpdateCadence(const RunConfig& config, const RunDirectory& run, const RunInvocation& invocation,
                learner::LearnerWorker& learner, int learner_index, int learners, Sinks sinks);

  // One update on `batch` (with its frames in `device_observations` when
  // they stay on the GPU), then the due work above. Throws UpdateFailure at
  // a bad update.
  void update(replay::SampleBatch& batch, const torch::Tensor& device_observations = {});

  // End of the run. `stopped_by_signal`: the copy audit window may be cut
  // short. The lead checkpoints and draws the last batch it trained on.
  void finish(bool stopped_by_signal, const replay::SampleBatch& batch, const torch::Tensor& device_observations = {});

  bool lead() const { return learner_index_ <= 0; }
  bool updated() const { return updated_; }
  // Whether the periodic evaluations reached the plan's target (lead only).
  // Any thread may ask: an actor thread ends its collection on it.
  bool reached_target() const { return reached_target_; }

 private:
  const RunConfig& config_;
  const RunDirectory& run_;
  const RunInvocation& invocation_;
  learner::LearnerWorker& learner_;
  int learner_index_;
  int learners_;
  Sinks sinks_;
  std::string config_json_;  // the run's config.json, for checkpoints
  UpdateGuard guard_;
  CopyAuditWindow copy_audit_;
  bool updated_ = false;
  std::chrono::steady_clock::time_point report_start_;
  std::int64_t updates_since_report_ = 0;
  std::optional<env::Task> evaluation_task_;  // lead of a run with periodic evaluations
  int evaluations_at_target_ = 0;             // in a row, up to the last one
  std::atomic<bool> reached_target_{false};

  void evaluate(std::int64_t updates);
};

}  // namespace dreamer
