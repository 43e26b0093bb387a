#include "launch/in_process_roles.hpp"

#include <torch/torch.h>

#include <atomic>
#include <exception>
#include <thread>
#include <utility>

#include "common/error.hpp"
#include "launch/stop_signal.hpp"
#include "replay/replay_service.hpp"
#if defined(DREAMER_HAS_CUDA)
#include <c10/cuda/CUDAStream.h>

#include "replay/cuda/device_replay_service.hpp"
#endif

namespace dreamer {
namespace {

// What both rings take from their replay service unchanged: the sampled
// batch, the metrics, close, dump and load.
template <class Service>
class ServiceReplay : public InProcessReplay {
 public:
  replay::SampleBatch& batch() override { return batch_; }
  replay::ReplayMetrics metrics() const override { return service_.metrics(); }
  void close() override { service_.close(); }
  void dump(const std::filesystem::path& path) const override { service_.dump(path); }
  void load(const std::filesystem::path& path) override { service_.load(path); }

 protected:
  template <class... ServiceArgs>
  ServiceReplay(const replay::ReplayOptions& options, bool with_observations, ServiceArgs... service_args)
      : service_(options, service_args...), batch_(options.batch_size, options.seq_len, with_observations) {}

  Service service_;
  replay::SampleBatch batch_;
};

class HostReplay final : public ServiceReplay<replay::ReplayService> {
 public:
  explicit HostReplay(const replay::ReplayOptions& options) : ServiceReplay(options, /*with_observations=*/true) {}
  replay::LimiterStatus insert_next_chunk(actors::ActorWorker& actor, std::chrono::nanoseconds timeout) override {
    if (pending_ == nullptr) pending_ = &actor.collect_chunk();
    const replay::LimiterStatus status = service_.insert(pending_->view(), timeout);
    if (status == replay::LimiterStatus::kOk) pending_ = nullptr;
    return status;
  }
  replay::LimiterStatus sample(std::chrono::nanoseconds timeout) override { return service_.sample(batch_, timeout); }
  const torch::Tensor& observations() const override { return no_observations_; }

 private:
  torch::Tensor no_observations_;
  const TrajectoryChunk* pending_ = nullptr;  // collected, not yet admitted
};

#if defined(DREAMER_HAS_CUDA)
// Frames stay on the GPU: the actor's env writes them into ring slots, the
// sampler gathers them into `observations_`, the learner reads them there.
// The gathers run on the learner thread's default stream, so a gather waits
// for the previous update; the actor's env and Player have streams of their
// own (actors/actor_worker.hpp).
class DeviceReplay final : public ServiceReplay<replay::cuda::DeviceReplayService> {
 public:
  DeviceReplay(const replay::ReplayOptions& options, torch::Device device)
      : ServiceReplay(options, /*with_observations=*/false, /*stream=*/cudaStream_t{nullptr}),
        observations_(torch::empty({options.batch_size, options.seq_len, 1440},
                                   torch::TensorOptions().dtype(torch::kUInt8).device(device))) {}
  // The limiter's permit comes first: the env then writes the chunk's
  // frames straight into its ring slots.
  replay::LimiterStatus insert_next_chunk(actors::ActorWorker& actor, std::chrono::nanoseconds timeout) override {
    const int group = actor.actor_index();
    std::uint64_t first_step = 0;
    const replay::LimiterStatus status = service_.begin_insert(group, timeout, first_step);
    if (status != replay::LimiterStatus::kOk) return status;
    const TrajectoryChunk& chunk = actor.collect_chunk(service_.frame_slots(group, first_step));
    service_.write_fields(group, first_step, chunk.view());
    service_.publish(group);
    return status;
  }
  replay::LimiterStatus sample(std::chrono::nanoseconds timeout) override {
    return service_.sample(batch_, observations_.data_ptr<std::uint8_t>(), timeout);
  }
  const torch::Tensor& observations() const override { return observations_; }

 private:
  torch::Tensor observations_;  // [batch, seq_len, 1440] on the learner's GPU
};
#endif

bool actor_may_run(const InProcessRoles& roles) {
  return roles.actor.env_steps() < roles.config.total_env_steps && !roles.wall_budget.spent() &&
         !roles.cadence.reached_target();
}

void synchronize_current_stream(torch::Device device) {
#if defined(DREAMER_HAS_CUDA)
  if (device.is_cuda()) c10::cuda::getCurrentCUDAStream(device.index()).synchronize();
#else
  (void)device;
#endif
}

}  // namespace

std::unique_ptr<InProcessReplay> make_in_process_replay(const RunConfig& config, torch::Device device) {
  if (config.env_backend == Device::kCpu) return std::make_unique<HostReplay>(config.replay);
#if defined(DREAMER_HAS_CUDA)
  return std::make_unique<DeviceReplay>(config.replay, device);
#else
  (void)device;
  throw Error("--env-backend cuda needs a build with DREAMER_ENABLE_CUDA");
#endif
}

void WeightHandoff::post(const std::vector<torch::Tensor>& weights, std::int64_t version) {
  std::vector<torch::Tensor> copy;
  copy.reserve(weights.size());
  for (const torch::Tensor& weight : weights) copy.push_back(weight.detach().to(player_device_, false, true));
  synchronize_current_stream(weights.empty() ? player_device_ : weights.front().device());
  const std::lock_guard<std::mutex> lock(mutex_);
  pending_ = std::move(copy);
  version_ = version;
}

void WeightHandoff::deliver(actors::ActorWorker& actor) {
  std::vector<torch::Tensor> weights;
  std::int64_t version = 0;
  {
    const std::lock_guard<std::mutex> lock(mutex_);
    if (pending_.empty()) return;
    weights.swap(pending_);
    version = version_;
  }
  actor.load_weights(weights, version);
}

void ReportHandoff::post(nlohmann::json report) {
  const std::lock_guard<std::mutex> lock(mutex_);
  reports_.push_back(std::move(report));
}

std::vector<nlohmann::json> ReportHandoff::take() {
  const std::lock_guard<std::mutex> lock(mutex_);
  return std::exchange(reports_, {});
}

RunOutcome run_serial(InProcessRoles& roles) {
  RunOutcome outcome;
  constexpr std::chrono::nanoseconds kNoWait(0);
  while (actor_may_run(roles)) {
    if (stop_requested()) {
      outcome.stopped_by_signal = true;
      break;
    }
    roles.weights.deliver(roles.actor);
    // At the evaluation target the run ends at once, the weights as
    // evaluated (a chunk the limiter has not taken yet stays out of replay).
    while (!roles.cadence.reached_target() &&
           roles.replay.insert_next_chunk(roles.actor, kNoWait) == replay::LimiterStatus::kTimedOut) {
      if (roles.replay.sample(kNoWait) != replay::LimiterStatus::kOk)
        throw Error("rate limiter refuses both inserting and sampling: check train_ratio and error_buffer");
      roles.cadence.update(roles.replay.batch(), roles.replay.observations());
    }
    while (!roles.cadence.reached_target() && roles.replay.sample(kNoWait) == replay::LimiterStatus::kOk)
      roles.cadence.update(roles.replay.batch(), roles.replay.observations());
  }
  outcome.reached_target = roles.cadence.reached_target();
  return outcome;
}

RunOutcome run_overlapped(InProcessRoles& roles) {
  constexpr std::chrono::milliseconds kPoll(50);  // how often a waiting side looks up
  constexpr std::chrono::milliseconds kReportEvery(500);
  std::atomic<bool> actor_finished{false};
  std::atomic<bool> stop_actor{false};
  std::exception_ptr actor_error;
  std::thread actor_thread([&] {
    try {
      auto last_report = std::chrono::steady_clock::now();
      while (!stop_actor && !stop_requested() && actor_may_run(roles)) {
        roles.weights.deliver(roles.actor);
        // A collected chunk counts in env_steps(): keep offering it until
        // the limiter takes it, so that replay holds every step counted.
        replay::LimiterStatus status = replay::LimiterStatus::kTimedOut;
        while (status == replay::LimiterStatus::kTimedOut && !stop_actor && !stop_requested())
          status = roles.replay.insert_next_chunk(roles.actor, kPoll);
        if (status != replay::LimiterStatus::kOk) break;
        if (std::chrono::steady_clock::now() - last_report > kReportEvery) {
          roles.reports.post(roles.actor.take_report());
          last_report = std::chrono::steady_clock::now();
        }
      }
    } catch (...) {
      actor_error = std::current_exception();
      roles.replay.close();  // wakes the learner
    }
    actor_finished = true;
  });
  const auto stop_and_join = [&] {
    stop_actor = true;
    roles.replay.close();  // wakes an actor the limiter holds back
    actor_thread.join();
  };
  RunOutcome outcome;
  try {
    for (;;) {
      if (stop_requested()) {
        outcome.stopped_by_signal = true;
        break;
      }
      // Read before sampling: a chunk inserted after this read is still
      // seen by the next sample.
      const bool finished = actor_finished;
      const replay::LimiterStatus status = roles.replay.sample(kPoll);
      if (status == replay::LimiterStatus::kOk) {
        roles.cadence.update(roles.replay.batch(), roles.replay.observations());
        if (roles.cadence.reached_target()) {
          outcome.reached_target = true;
          break;
        }
        continue;
      }
      if (status == replay::LimiterStatus::kClosed || finished) break;
    }
  } catch (...) {
    stop_and_join();
    throw;
  }
  stop_and_join();
  if (actor_error) std::rethrow_exception(actor_error);
  return outcome;
}

}  // namespace dreamer
