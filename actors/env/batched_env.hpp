#pragma once
// BatchedEnv: B emulated consoles stepped together, the environment the
// actors drive. The backend is picked once, at construction:
//
//   CPU   worker threads, each stepping a contiguous slice of envs
//   CUDA  one GPU thread per env; consoles, episode state, ROM, reset point
//         and goal live in device memory; actions in and every output out
//         stay on the device (no host copy per step)
//
// Pointers passed to step()/reset() live where device() says. Both backends
// run the same per-env code (env_step.hpp), so they produce bit-identical
// observations, rewards and console state.
//
// Not thread-safe: one caller (the actor loop) drives it.
#include <cstdint>
#include <memory>
#include <vector>

#include "actors/env/env_step.hpp"

namespace dreamer::env {

class Task;

enum class Backend { kCpu, kCuda };

class BatchedEnv {
 public:
  virtual ~BatchedEnv() = default;

  virtual Backend backend() const = 0;
  virtual int num_envs() const = 0;

  // Restores the masked envs (mask[e] != 0; null = all) to the reset point and
  // writes their first observation (is_first = 1).
  virtual void reset(const std::uint8_t* mask, const EnvBatchOutputs& out) = 0;
  // One env step per env with actions[e] in 0..7 (envs whose episode ended
  // restart instead; see env_step.hpp).
  virtual void step(const std::uint8_t* actions, const EnvBatchOutputs& out) = 0;
  // Waits until the work queued by step()/reset() is done (CUDA: stream sync;
  // CPU: returns at once, since step() is synchronous).
  virtual void synchronize() = 0;

  // Host copies for tests, checkpoints and debugging (not for the hot path).
  virtual std::vector<gb::Console> consoles() const = 0;
  virtual std::vector<EpisodeState> episodes() const = 0;
  // Each console's counters (instructions, cycles, HALT) without the rest of
  // its ~50 KB state: what benchmarks read between steps.
  virtual std::vector<gb::Counters> counters() const = 0;
};

struct BatchedEnvOptions {
  Backend backend = Backend::kCpu;
  int num_envs = 1;
  int threads = 0;  // CPU backend: worker threads (0 = hardware concurrency)
  int cuda_device = 0;
};

// Throws dreamer::Error when the backend is unavailable (CUDA in a build
// without it, or no GPU) or the options are out of range.
std::unique_ptr<BatchedEnv> make_batched_env(const Task& task, const BatchedEnvOptions& options);

// Host-side buffers for one batch of outputs, with an EnvBatchOutputs view.
struct HostBatch {
  explicit HostBatch(int num_envs);
  EnvBatchOutputs view();
  std::vector<std::uint8_t> observation, terminated, truncated, is_first;
  std::vector<float> reward, dist;
  std::vector<std::int64_t> episode_id;
};

}  // namespace dreamer::env
