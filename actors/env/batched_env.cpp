#include "actors/env/batched_env.hpp"

#include <thread>

#include "actors/env/cpu_batched_env.hpp"
#include "actors/env/task.hpp"
#include "common/error.hpp"
#if defined(DREAMER_HAS_CUDA)
#include "actors/env/cuda/cuda_batched_env.hpp"
#endif

namespace dreamer::env {

std::unique_ptr<BatchedEnv> make_batched_env(const Task& task, const BatchedEnvOptions& options) {
  if (options.num_envs < 1) throw ConfigError("num_envs", "must be >= 1, got " + std::to_string(options.num_envs));
  if (options.backend == Backend::kCuda) {
#if defined(DREAMER_HAS_CUDA)
    return cuda::make_cuda_batched_env(task.view(), options.num_envs, options.cuda_device);
#else
    throw Error("the CUDA environment backend is not in this build (configured with DREAMER_ENABLE_CUDA=OFF)");
#endif
  }
  const int threads = options.threads > 0 ? options.threads : static_cast<int>(std::thread::hardware_concurrency());
  return std::make_unique<CpuBatchedEnv>(task, options.num_envs, threads);
}

HostBatch::HostBatch(int num_envs)
    : observation(static_cast<std::size_t>(num_envs) * packed2::kBytesPerFrame),
      terminated(static_cast<std::size_t>(num_envs)),
      truncated(static_cast<std::size_t>(num_envs)),
      is_first(static_cast<std::size_t>(num_envs)),
      reward(static_cast<std::size_t>(num_envs)),
      dist(static_cast<std::size_t>(num_envs)),
      episode_id(static_cast<std::size_t>(num_envs)) {}

EnvBatchOutputs HostBatch::view() {
  EnvBatchOutputs out;
  out.observation = observation.data();
  out.reward = reward.data();
  out.terminated = terminated.data();
  out.truncated = truncated.data();
  out.is_first = is_first.data();
  out.dist = dist.data();
  out.episode_id = episode_id.data();
  return out;
}

}  // namespace dreamer::env
