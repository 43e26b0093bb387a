#include <torch/torch.h>

#include <chrono>
#include <cstdio>

#include "actors/actor_worker.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/metrics_log.hpp"
#include "gates/metrics_aggregator.hpp"
#include "launch/learner_report.hpp"
#include "launch/progress_line.hpp"
#include "launch/run_artifacts.hpp"
#include "launch/run_setup.hpp"
#include "launch/stop_signal.hpp"
#include "launch/training_run.hpp"
#include "launch/update_guard.hpp"
#include "learner/learner_worker.hpp"
#include "replay/replay_service.hpp"

namespace dreamer {

RunOutcome run_single_process(const RunConfig& config, const RunDirectory& run, const RunInvocation& invocation) {
  const bool resume = invocation.resume;
  const env::Task task = env::Task::load(resolve_task(config.task));
  torch::manual_seed(config.seed);  // the learner's initial weights and every sample after them
  // One intra-op thread on CPU: multi-threaded CPU kernels may split their
  // reductions differently from run to run, and this mode promises
  // bit-identical reruns.
  if (config.device == "cpu") torch::set_num_threads(1);
  replay::ReplayService replay(config.replay);
  learner::LearnerWorker learner(config.model, torch::Device(learner_device(config, 0)), nullptr, MPI_COMM_NULL);
  gates::MetricsAggregator gate(run.metrics_jsonl());
  replay::SampleBatch batch(config.replay.batch_size, config.replay.seq_len);
  const std::filesystem::path replay_dump = run.root / "replay.h5";
  UpdateGuard guard(run, invocation, read_file_text(run.config_json()));

  actors::ActorWorkerOptions options = actor_options(config, 0);
  if (resume) {
    learner.restore(run.checkpoints());
    if (std::filesystem::exists(replay_dump)) replay.load(replay_dump);
    options.initial_env_steps = replay.metrics().inserts;  // where the run stands: the env steps replay holds
  }
  actors::ActorWorker actor(task, config.model.model, options);
  actor.load_weights(learner.player_weights(), learner.updates());

  RunOutcome outcome;
  const auto now = [] { return std::chrono::steady_clock::now(); };
  auto report_start = now();
  std::int64_t updates_since_report = 0;
  bool updated = false;
  const auto update_once = [&] {
    const auto started = now();
    if (learner.updates() + 1 == invocation.inject_nan_at_update) poison_batch_with_nan(batch);
    const learner::UpdateMetrics metrics = guard.update(learner, batch);
    ++updates_since_report;
    updated = true;
    const std::int64_t updates = learner.updates();
    if (updates % config.weight_sync_every_updates == 0) actor.load_weights(learner.player_weights(), updates);
    if (updates % config.log_every_updates == 0) {
      const double seconds = std::chrono::duration<double>(now() - report_start).count();
      LearnerReportInputs inputs;
      inputs.opt_steps = updates;
      inputs.train_sps = static_cast<double>(updates_since_report * config.replay.batch_size * config.replay.seq_len) /
                         std::max(seconds, 1e-9);
      inputs.update_ms = std::chrono::duration<double, std::milli>(now() - started).count();
      gate.on_actor_report(actor.take_report());
      gate.on_replay_report(replay.metrics());
      const nlohmann::json& record = gate.on_learner_report(learner_report(metrics, inputs));
      guard.remember(record);
      std::printf("%s\n", progress_line(record, config.total_env_steps).c_str());
      std::fflush(stdout);
      report_start = now();
      updates_since_report = 0;
    }
    if (config.checkpoint_every_updates > 0 && updates % config.checkpoint_every_updates == 0)
      learner.save(run.checkpoints(), {}, read_file_text(run.config_json()));
  };

  while (actor.env_steps() < config.total_env_steps) {
    if (stop_requested()) {
      outcome.stopped_by_signal = true;
      break;
    }
    const replay::TrajectoryChunkView chunk = actor.collect_chunk().view();
    // Actors too far ahead: train until the limiter lets the chunk in.
    while (replay.insert(chunk, std::chrono::nanoseconds(0)) == replay::LimiterStatus::kTimedOut) {
      if (replay.sample(batch, std::chrono::nanoseconds(0)) != replay::LimiterStatus::kOk)
        throw Error("rate limiter refuses both inserting and sampling: check train_ratio and error_buffer");
      update_once();
    }
    while (replay.sample(batch, std::chrono::nanoseconds(0)) == replay::LimiterStatus::kOk) update_once();
  }

  outcome.env_steps = actor.env_steps();
  outcome.opt_steps = learner.updates();
  learner.save(run.checkpoints(), {}, read_file_text(run.config_json()));
  replay.dump(replay_dump);
  gate.sync();
  write_run_metrics_plot(run, read_metrics_log(run.metrics_jsonl()));
  // The last sampled batch; none when this process made no update.
  if (updated) write_reconstruction_gif(run, learner.reconstruct(batch));
  return outcome;
}

}  // namespace dreamer
