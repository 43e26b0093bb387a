#pragma once
// ActorWorker: one actor's loop body. It steps a BatchedEnv, lets the Player
// (encoder + RSSM posterior + actor) choose actions, and fills trajectory
// chunks of commit_stride steps for the replay server:
//
//   tick t:  obs_t, r_t, flags_t <- env (reset on the first tick, else step(a_{t-1}))
//            chunk row t <- obs_t, a_{t-1} (0 at is_first), r_t, flags_t, episode id
//            a_t <- Player(obs_t, is_first_t)            (or a constant action)
//
// With the CPU backend a tick is the env+player step that evaluations run
// too (env_player_step.hpp).
//
// Episode ends (terminated or truncated) go through an EpisodeWindow
// (actors/episode_window.hpp) into each report as episode outcomes, which
// the gate pools over every actor into the record's episode metrics
// (common/run/episode_statistics.hpp).
//
// Backends (ActorWorkerOptions::backend):
//   CPU   the env writes into the host chunk; the Player runs on the CPU.
//   CUDA  the env and the Player run on one GPU; per tick the env writes its
//         frames and fields into device memory, the Player reads them there
//         and hands its actions back on the device. collect_chunk() then
//         copies the chunk to the host once (MPI actors); given the device
//         replay ring's slots for the chunk, it has the env write its frames
//         straight into them and copies only the chunk's small fields (about
//         20 bytes per env step) to the host, once per chunk.
//
// The actor knows nothing of replay: it fills chunks (common/trajectory/),
// and its caller hands them on, taking the rate limiter's permit first where
// the frames go straight into the ring (launch/in_process_roles.cpp).
//
// With the CUDA backend the Player's work runs on a stream of the actor's own,
// so that a learner may train on the same GPU from another thread.
//
// Not thread-safe: one thread drives an ActorWorker.
#include <ATen/core/Tensor.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "actors/env/batched_env.hpp"
#include "actors/env/task.hpp"
#include "actors/env_player_step.hpp"
#include "actors/episode_window.hpp"
#include "common/trajectory/trajectory_chunk.hpp"
#include "learner/dreamer_options.hpp"

namespace dreamer::learner {
class Player;
}

namespace dreamer::actors {

// The wire form of Player weights for load_flat_weights().
std::vector<std::uint8_t> flatten_weights(const std::vector<at::Tensor>& weights, std::int64_t version);

struct ActorWorkerOptions {
  int actor_index = 0;
  int num_envs = 8;
  int commit_stride = 0;  // required: the run's ReplayOptions::commit_stride
  int env_threads = 1;
  env::Backend backend = env::Backend::kCpu;
  int cuda_device = 0;  // the GPU of the CUDA backend (env and Player)
  bool greedy = false;
  // Standing Still: every env takes this action and no Player runs.
  std::optional<std::uint8_t> constant_action;
  std::uint64_t seed = 1;
  // Env steps done before this worker started (a resumed run); env_steps()
  // counts on from here.
  std::int64_t initial_env_steps = 0;
};

class ActorWorker {
 public:
  ActorWorker(const env::Task& task, const learner::ModelOptions& model, const ActorWorkerOptions& options);
  ~ActorWorker();
  ActorWorker(const ActorWorker&) = delete;
  ActorWorker& operator=(const ActorWorker&) = delete;

  // Runs commit_stride ticks and returns the filled chunk (valid until the
  // next call).
  const TrajectoryChunk& collect_chunk();
  // CUDA backend: the same with the frames written to `frames` on the GPU
  // instead of the chunk, which carries every other field.
  const TrajectoryChunk& collect_chunk(const ChunkFrameSlots& frames);

  // New Player weights from the learner (player_parameters() order). Their
  // producer's work must be complete (on the CPU, or a synchronized GPU
  // stream); the copies are done when this returns.
  void load_weights(const std::vector<at::Tensor>& weights, std::int64_t version);
  // Where the Player runs (the CUDA backend's GPU, else the CPU).
  c10::Device player_device() const;
  // The same from the wire form: int64 version, then every weight as float32,
  // flattened in player_parameters() order (see flatten_weights()).
  void load_flat_weights(std::span<const std::uint8_t> bytes);
  std::int64_t policy_version() const;

  // Episode and throughput metrics since the last call; resets the tallies.
  nlohmann::json take_report();
  std::int64_t env_steps() const { return env_steps_; }
  int actor_index() const { return options_.actor_index; }

 private:
  struct DeviceStaging;

  // CPU backend: commit_stride ticks into the host chunk.
  void run_host_ticks();
  // CUDA backend: commit_stride ticks into device memory, then the chunk's
  // fields (and, with copy_frames, its frames) to the host chunk.
  void run_device_ticks(const ChunkFrameSlots& frames, bool copy_frames);
  // Records the chunk's rows in episodes_ (dist_ holds each row's distances).
  void tally_episodes();
  void finish_chunk();

  ActorWorkerOptions options_;
  std::unique_ptr<env::BatchedEnv> env_;
  std::unique_ptr<learner::Player> player_;
  std::optional<EnvPlayerStep> host_step_;  // CPU backend only
  TrajectoryChunk chunk_;
  std::vector<float> dist_;                // [commit_stride, num_envs] goal distances of the chunk
  std::unique_ptr<DeviceStaging> device_;  // CUDA backend only
  bool started_ = false;                   // CUDA backend: the envs were reset
  std::int64_t env_steps_ = 0;

  // Tallies since the last report.
  EpisodeWindow episodes_;
  std::int64_t report_env_steps_ = 0;
  double report_started_ = 0.0;
};

}  // namespace dreamer::actors
