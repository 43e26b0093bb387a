#include "launch/update_cadence.hpp"

#include "common/file_io.hpp"
#include "launch/learner_report.hpp"
#include "launch/run_artifacts.hpp"

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
      report_start_(std::chrono::steady_clock::now()) {}

void UpdateCadence::update(replay::SampleBatch& batch, const torch::Tensor& device_observations) {
  const auto started = std::chrono::steady_clock::now();
  if (learner_.updates() + 1 == invocation_.inject_nan_at_update) poison_batch_with_nan(batch);
  copy_audit_.before_update(learner_.updates() + 1);
  const learner::UpdateMetrics metrics = guard_.update(learner_, batch, device_observations);
  ++updates_since_report_;
  updated_ = true;
  const std::int64_t updates = learner_.updates();
  const bool log_due = updates % config_.log_every_updates == 0;
  // Collective, so on every learner; the digest covers every update.
  if (log_due) learner_.check_identical_gradients();
  if (lead()) {
    if (updates % config_.weight_sync_every_updates == 0) sinks_.weights(learner_.player_weights(), updates);
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
    if (config_.checkpoint_every_updates > 0 && updates % config_.checkpoint_every_updates == 0)
      learner_.save(run_.checkpoints(), {}, config_json_);
  }
  // After the rest of the per-update work (weight sync, logging), so that
  // what runs between two updates falls inside the window too.
  copy_audit_.after_update(updates);
}

void UpdateCadence::finish(bool stopped_by_signal, const replay::SampleBatch& batch,
                           const torch::Tensor& device_observations) {
  if (!stopped_by_signal) copy_audit_.require_done();
  if (!lead()) return;
  learner_.save(run_.checkpoints(), {}, config_json_);
  // The last sampled batch; none when this learner made no update.
  if (updated_) write_reconstruction_gif(run_, learner_.reconstruct(batch, device_observations));
}

}  // namespace dreamer
