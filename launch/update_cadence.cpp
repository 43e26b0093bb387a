#include "launch/update_cadence.hpp"

#include "common/file_io.hpp"
#include "launch/learner_report.hpp"
#include "launch/policy_evaluation.hpp"
#include "launch/run_artifacts.hpp"
#include "launch/run_setup.hpp"

namespace dreamer {

UpdateCadence::UpdateCadence(const RunConfig& config, const RunDirectory& run, const RunInvocation& invocation,
                             learner::LearnerWorker& learner, int learner_index, int learners, Sinks sinks)
    : config_(config),
      run_(run),
      invocation_(invocation),
      learner_(learner),
      learner_index_(learner_index),
      learners_(learners),
      sinks_(std::move(sinks)),
      config_json_(read_file_text(run.config_json())),
      guard_(run, invocation, config_json_, learner_index),
      copy_audit_(invocation.copy_audit, run.root),
      report_start_(std::chrono::steady_clock::now()) {
  if (lead() && invocation.evaluation.every_updates > 0 && !sinks_.evaluate) {
    evaluation_task_.emplace(env::Task::load(resolve_task(config.task)));
    sinks_.evaluate = [this](std::int64_t updates) {
      return evaluate_weights(config_, *evaluation_task_, learner_.player_weights(), updates,
                              invocation_.evaluation.episodes, learner_.agent().device());
    };
  }
}

void UpdateCadence::update(replay::SampleBatch& batch, const torch::Tensor& device_observations) {
  const auto started = std::chrono::steady_clock::now();
  if (learner_.updates() + 1 == invocation_.inject_nan_at_update) poison_batch_with_nan(batch);
  copy_audit_.before_update(learner_.updates() + 1);
  const learner::UpdateMetrics metrics = guard_.update(learner_, batch, device_observations);
  ++updates_since_report_;
  updated_ = true;
  const std::int64_t updates = learner_.updates();
  const bool log_due = updates % config_.log_every_updates == 0;
  const bool weights_due = updates % config_.weight_sync_every_updates == 0;
  const bool checkpoint_due = config_.checkpoint_every_updates > 0 && updates % config_.checkpoint_every_updates == 0;
  const std::int64_t every = invocation_.evaluation.every_updates;
  const bool evaluation_due = every > 0 && updates % every == 0;
  // The updates' metrics are read here only: before a report, and before
  // weights leave the learner (actors, a checkpoint, an evaluation).
  if (log_due || (lead() && (weights_due || checkpoint_due || evaluation_due))) guard_.check(learner_);
  // Collective, so on every learner; the digest covers every update.
  if (log_due) learner_.check_identical_gradients();
  if (lead()) {
    if (weights_due) sinks_.weights(learner_.player_weights(), updates);
    if (log_due) {
      const auto now = std::chrono::steady_clock::now();
      LearnerReportInputs inputs;
      inputs.opt_steps = updates;
      const double seconds = std::max(std::chrono::duration<double>(now - report_start_).count(), 1e-9);
      inputs.train_sps =
          static_cast<double>(updates_since_report_ * config_.replay.batch_size * config_.replay.seq_len * learners_) /
          seconds;
      inputs.update_ms = std::chrono::duration<double, std::milli>(now - started).count();
      inputs.allreduce = learner_.last_allreduce();
      guard_.remember(sinks_.report(learner_report(metrics, inputs)));
      report_start_ = std::chrono::steady_clock::now();
      updates_since_report_ = 0;
    }
    if (checkpoint_due) learner_.save(run_.checkpoints(), {}, config_json_);
  }
  // After the rest of the per-update work (weight sync, logging), so that
  // what runs between two updates falls inside the window too.
  copy_audit_.after_update(updates);
  // An evaluation's own copies are not the training loop's: none inside
  // (or just before) the audit window.
  if (lead() && evaluation_due && !copy_audit_.covers(updates + 1)) evaluate(updates);
}

void UpdateCadence::evaluate(std::int64_t updates) {
  const EvaluationPlan& plan = invocation_.evaluation;
  const EpisodeStatistics stats = sinks_.evaluate(updates);
  nlohmann::json record = {{"opt_steps", updates}, {"periodic_eval", true}};
  add_evaluation_keys(record, stats);
  sinks_.evaluation(std::move(record));
  const bool at_target = plan.stop_at_success > 0.0 && stats.success_rate >= plan.stop_at_success;
  evaluations_at_target_ = at_target ? evaluations_at_target_ + 1 : 0;
  if (evaluations_at_target_ >= plan.stop_after) reached_target_ = true;
}

void UpdateCadence::finish(bool stopped_by_signal, const replay::SampleBatch& batch,
                           const torch::Tensor& device_observations) {
  if (!stopped_by_signal) copy_audit_.require_done();
  guard_.check(learner_);
  if (!lead()) return;
  learner_.save(run_.checkpoints(), {}, config_json_);
  // The last sampled batch; none when this learner made no update.
  if (updated_) write_reconstruction_gif(run_, learner_.reconstruct(batch, device_observations));
}

}  // namespace dreamer
