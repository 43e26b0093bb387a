#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <memory>

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
#include "launch/wall_budget.hpp"
#include "learner/learner_worker.hpp"
#include "replay/replay_service.hpp"
#if defined(DREAMER_HAS_CUDA)
#include "replay/cuda/device_replay_service.hpp"
#endif

namespace dreamer {

namespace {

// The replay role of a single-process run, over a host ring (CPU actors) or
// a device ring that a CUDA actor writes its frames into.
class InProcessReplay {
 public:
  virtual ~InProcessReplay() = default;
  // Inserts the actor's next chunk; kTimedOut when the rate limiter refuses
  // it for now (the caller trains and asks again).
  virtual replay::LimiterStatus insert_next_chunk(actors::ActorWorker& actor) = 0;
  // Samples into the batch; kTimedOut when the limiter wants inserts first.
  virtual replay::LimiterStatus sample() = 0;
  virtual learner::UpdateMetrics update(UpdateGuard& guard, learner::LearnerWorker& learner) = 0;
  virtual learner::Reconstruction reconstruct(learner::LearnerWorker& learner) = 0;
  virtual replay::ReplayMetrics metrics() const = 0;
  virtual void dump(const std::filesystem::path& path) const = 0;
  virtual void load(const std::filesystem::path& path) = 0;
  virtual replay::SampleBatch& batch() = 0;
};

class HostReplay final : public InProcessReplay {
 public:
  explicit HostReplay(const replay::ReplayOptions& options)
      : service_(options), batch_(options.batch_size, options.seq_len) {}
  replay::LimiterStatus insert_next_chunk(actors::ActorWorker& actor) override {
    if (pending_ == nullptr) pending_ = &actor.collect_chunk();
    const replay::LimiterStatus status = service_.insert(pending_->view(), std::chrono::nanoseconds(0));
    if (status == replay::LimiterStatus::kOk) pending_ = nullptr;
    return status;
  }
  replay::LimiterStatus sample() override { return service_.sample(batch_, std::chrono::nanoseconds(0)); }
  learner::UpdateMetrics update(UpdateGuard& guard, learner::LearnerWorker& learner) override {
    return guard.update(learner, batch_);
  }
  learner::Reconstruction reconstruct(learner::LearnerWorker& learner) override { return learner.reconstruct(batch_); }
  replay::ReplayMetrics metrics() const override { return service_.metrics(); }
  void dump(const std::filesystem::path& path) const override { service_.dump(path); }
  void load(const std::filesystem::path& path) override { service_.load(path); }
  replay::SampleBatch& batch() override { return batch_; }

 private:
  replay::ReplayService service_;
  replay::SampleBatch batch_;
  const replay::TrajectoryChunk* pending_ = nullptr;  // collected, not yet admitted
};

#if defined(DREAMER_HAS_CUDA)
// Frames stay on the GPU: the actor's env writes them into ring slots, the
// sampler gathers them into `observations_`, the learner reads them there.
// Both use the default stream, so a gather waits for the previous update.
class DeviceReplay final : public InProcessReplay {
 public:
  DeviceReplay(const replay::ReplayOptions& options, torch::Device device)
      : service_(options, nullptr),
        batch_(options.batch_size, options.seq_len, /*with_observations=*/false),
        observations_(torch::empty({options.batch_size, options.seq_len, 1440},
                                   torch::TensorOptions().dtype(torch::kUInt8).device(device))) {}
  replay::LimiterStatus insert_next_chunk(actors::ActorWorker& actor) override {
    return actor.collect_chunk_into(service_, std::chrono::nanoseconds(0));
  }
  replay::LimiterStatus sample() override {
    return service_.sample(batch_, observations_.data_ptr<std::uint8_t>(), std::chrono::nanoseconds(0));
  }
  learner::UpdateMetrics update(UpdateGuard& guard, learner::LearnerWorker& learner) override {
    return guard.update(learner, batch_, observations_);
  }
  learner::Reconstruction reconstruct(learner::LearnerWorker& learner) override {
    return learner.reconstruct(batch_, observations_);
  }
  replay::ReplayMetrics metrics() const override { return service_.metrics(); }
  void dump(const std::filesystem::path& path) const override { service_.dump(path); }
  void load(const std::filesystem::path& path) override { service_.load(path); }
  replay::SampleBatch& batch() override { return batch_; }

 private:
  replay::cuda::DeviceReplayService service_;
  replay::SampleBatch batch_;
  torch::Tensor observations_;  // [batch, seq_len, 1440] on the learner's GPU
};
#endif

std::unique_ptr<InProcessReplay> make_in_process_replay(const RunConfig& config, torch::Device device) {
  if (config.env_backend == "cpu") return std::make_unique<HostReplay>(config.replay);
#if defined(DREAMER_HAS_CUDA)
  return std::make_unique<DeviceReplay>(config.replay, device);
#else
  (void)device;
  throw Error("--env-backend cuda needs a build with DREAMER_ENABLE_CUDA");
#endif
}

}  // namespace

RunOutcome run_single_process(const RunConfig& config, const RunDirectory& run, const RunInvocation& invocation) {
  const bool resume = invocation.resume;
  const env::Task task = env::Task::load(resolve_task(config.task));
  torch::manual_seed(config.seed);  // the learner's initial weights and every sample after them
  // One intra-op thread on CPU: multi-threaded CPU kernels may split their
  // reductions differently from run to run, and this mode promises
  // bit-identical reruns.
  if (config.device == "cpu") torch::set_num_threads(1);
  const torch::Device device(learner_device(config, 0));
  learner::LearnerWorker learner(config.model, device, nullptr, MPI_COMM_NULL);
  const std::unique_ptr<InProcessReplay> replay = make_in_process_replay(config, device);
  gates::MetricsAggregator gate(run.metrics_jsonl());
  replay::SampleBatch& batch = replay->batch();
  const std::filesystem::path replay_dump = run.root / "replay.h5";
  UpdateGuard guard(run, invocation, read_file_text(run.config_json()));
  CopyAuditWindow copy_audit(invocation.copy_audit, run.root);

  actors::ActorWorkerOptions options = actor_options(config, 0);
  options.cuda_device = device.is_cuda() ? device.index() : 0;  // one process: actor and learner share the GPU
  if (resume) {
    learner.restore(run.checkpoints());
    if (std::filesystem::exists(replay_dump)) replay->load(replay_dump);
    options.initial_env_steps = replay->metrics().inserts;  // where the run stands: the env steps replay holds
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
    copy_audit.before_update(learner.updates() + 1);
    const learner::UpdateMetrics metrics = replay->update(guard, learner);
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
      gate.on_replay_report(replay->metrics());
      const nlohmann::json& record = gate.on_learner_report(learner_report(metrics, inputs));
      guard.remember(record);
      std::printf("%s\n", progress_line(record, config.total_env_steps).c_str());
      std::fflush(stdout);
      report_start = now();
      updates_since_report = 0;
    }
    if (config.checkpoint_every_updates > 0 && updates % config.checkpoint_every_updates == 0)
      learner.save(run.checkpoints(), {}, read_file_text(run.config_json()));
    // After the rest of the loop's per-update work (weight sync, logging),
    // the next chunk's ticks fall inside the window too.
    copy_audit.after_update(updates);
  };

  const WallBudget wall_budget(config.max_seconds);
  while (actor.env_steps() < config.total_env_steps && !wall_budget.spent()) {
    if (stop_requested()) {
      outcome.stopped_by_signal = true;
      break;
    }
    // Actors too far ahead: train until the limiter lets the chunk in.
    while (replay->insert_next_chunk(actor) == replay::LimiterStatus::kTimedOut) {
      if (replay->sample() != replay::LimiterStatus::kOk)
        throw Error("rate limiter refuses both inserting and sampling: check train_ratio and error_buffer");
      update_once();
    }
    while (replay->sample() == replay::LimiterStatus::kOk) update_once();
  }

  if (!outcome.stopped_by_signal) copy_audit.require_done();
  outcome.env_steps = actor.env_steps();
  outcome.opt_steps = learner.updates();
  learner.save(run.checkpoints(), {}, read_file_text(run.config_json()));
  replay->dump(replay_dump);
  gate.sync();
  write_run_metrics_plot(run, read_metrics_log(run.metrics_jsonl()));
  // The last sampled batch; none when this process made no update.
  if (updated) write_reconstruction_gif(run, replay->reconstruct(learner));
  return outcome;
}

}  // namespace dreamer
