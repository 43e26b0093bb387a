#pragma once
// The roles of a one-process run (launch/training_run.hpp) and the links
// between them: what MPI messages carry between ranks, here hand-offs
// between threads.
//
//   InProcessReplay   the replay role over a host ring (CPU actor) or a
//                     device ring the CUDA actor writes its frames into
//   WeightHandoff     learner -> actor: Player weights
//   ReportHandoff     actor -> gate: the actor's reports
//
// and the two schedules that drive them:
//
//   run_serial       one thread, a fixed order (deterministic given the seed):
//                    collect a chunk -> insert -> as many updates as the
//                    rate limiter allows; when the limiter refuses the
//                    chunk, train until it fits.
//   run_overlapped   the actor on a thread of its own, the learner on the
//                    calling thread, both under the replay's rate limiter.
//
// Either ends when the actor has spent its budget (total_env_steps or the
// wall-time budget) and its chunks' owed updates are done, right after the
// update whose evaluation reached the plan's target
// (RunOutcome::reached_target), or at a stop signal
// (RunOutcome::stopped_by_signal). The overlapped schedule ends at
// the first error of either side too: it stops and joins the actor thread,
// then rethrows on the calling thread.
#include <torch/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <vector>

#include "actors/actor_worker.hpp"
#include "launch/run_config.hpp"
#include "launch/training_run.hpp"
#include "launch/update_cadence.hpp"
#include "launch/wall_budget.hpp"
#include "replay/rate_limiter.hpp"
#include "replay/replay_metrics.hpp"
#include "replay/sample_batch.hpp"

namespace dreamer {

// Thread-safety: one thread inserts, one samples; metrics() and close()
// from any thread.
class InProcessReplay {
 public:
  virtual ~InProcessReplay() = default;
  // Inserts the actor's next chunk, waiting up to `timeout` for the rate
  // limiter; on kTimedOut the collected chunk waits for the next call (host
  // ring) or nothing was stepped (device ring). kClosed after close().
  virtual replay::LimiterStatus insert_next_chunk(actors::ActorWorker& actor, std::chrono::nanoseconds timeout) = 0;
  // Samples into batch() (and observations()), waiting up to `timeout`.
  virtual replay::LimiterStatus sample(std::chrono::nanoseconds timeout) = 0;
  virtual replay::SampleBatch& batch() = 0;
  // The sampled frames on the GPU; undefined when they are in batch().
  virtual const torch::Tensor& observations() const = 0;
  virtual replay::ReplayMetrics metrics() const = 0;
  // Wakes and refuses every waiting and later insert and sample.
  virtual void close() = 0;
  virtual void dump(const std::filesystem::path& path) const = 0;
  virtual void load(const std::filesystem::path& path) = 0;
};

// A host ring for the CPU env backend, a device ring on `device` for the
// CUDA one.
std::unique_ptr<InProcessReplay> make_in_process_replay(const RunConfig& config, torch::Device device);

// Player weights from the learner to the actor: post() copies them to the
// Player's device and returns once the copy is done; the actor takes the
// newest copy before its next chunk. The learner never waits for the actor,
// and the actor never reads weights the optimizer is changing.
class WeightHandoff {
 public:
  explicit WeightHandoff(torch::Device player_device) : player_device_(player_device) {}
  // Learner thread.
  void post(const std::vector<torch::Tensor>& weights, std::int64_t version);
  // Actor thread: loads the newest posted weights, if any came since the
  // last call.
  void deliver(actors::ActorWorker& actor);

 private:
  torch::Device player_device_;
  std::mutex mutex_;
  std::vector<torch::Tensor> pending_;  // guarded by mutex_
  std::int64_t version_ = 0;            // guarded by mutex_
};

// The actor's reports (overlapped schedule) for the learner's thread, which
// hands them to the gate with its own report.
class ReportHandoff {
 public:
  void post(nlohmann::json report);
  std::vector<nlohmann::json> take();

 private:
  std::mutex mutex_;
  std::vector<nlohmann::json> reports_;  // guarded by mutex_
};

struct InProcessRoles {
  const RunConfig& config;
  actors::ActorWorker& actor;
  InProcessReplay& replay;
  UpdateCadence& cadence;
  WeightHandoff& weights;
  ReportHandoff& reports;
  const WallBudget& wall_budget;
};

RunOutcome run_serial(InProcessRoles& roles);
RunOutcome run_overlapped(InProcessRoles& roles);

}  // namespace dreamer
