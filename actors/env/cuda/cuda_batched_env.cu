#include <cuda_runtime.h>

#include <cstddef>
#include <vector>

#include "actors/env/cuda/cuda_batched_env.hpp"
#include "common/cuda_check.hpp"
#include "common/error.hpp"

namespace dreamer::env::cuda {
namespace {

constexpr int kThreadsPerBlock = 64;

// One cudaMalloc'd array, freed with its owner.
template <typename T>
class DeviceArray {
 public:
  explicit DeviceArray(std::size_t count) : count_(count) {
    if (count_ > 0) DREAMER_CHECK_CUDA(cudaMalloc(&data_, count_ * sizeof(T)));
  }
  ~DeviceArray() {
    if (data_ != nullptr) cudaFree(data_);
  }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  T* get() const { return data_; }
  std::size_t count() const { return count_; }
  void upload(const T* host, std::size_t count) {
    DREAMER_CHECK_CUDA(cudaMemcpy(data_, host, count * sizeof(T), cudaMemcpyHostToDevice));
  }
  std::vector<T> download() const {
    std::vector<T> host(count_);
    if (count_ > 0) DREAMER_CHECK_CUDA(cudaMemcpy(host.data(), data_, count_ * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  T* data_ = nullptr;
  std::size_t count_;
};

__global__ void __launch_bounds__(kThreadsPerBlock)
    step_kernel(gb::Console* consoles, EpisodeState* episodes, int num_envs, TaskView task, const std::uint8_t* actions,
                EnvBatchOutputs out) {
  const int env = blockIdx.x * blockDim.x + threadIdx.x;
  if (env >= num_envs) return;
  env_step_one(env, consoles[env], episodes[env], task, actions[env], out);
}

__global__ void __launch_bounds__(kThreadsPerBlock)
    reset_kernel(gb::Console* consoles, EpisodeState* episodes, int num_envs, TaskView task, const std::uint8_t* mask,
                 EnvBatchOutputs out) {
  const int env = blockIdx.x * blockDim.x + threadIdx.x;
  if (env >= num_envs) return;
  if (mask == nullptr || mask[env] != 0) write_reset(env, consoles[env], episodes[env], task, out);
}

class CudaBatchedEnv final : public BatchedEnv {
 public:
  CudaBatchedEnv(const TaskView& host_task, int num_envs, int device)
      : num_envs_(num_envs),
        consoles_(static_cast<std::size_t>(num_envs)),
        episodes_(static_cast<std::size_t>(num_envs)),
        rom_(host_task.rom.size),
        reset_console_(1),
        reset_observation_(packed2::kBytesPerFrame),
        goal_observation_(host_task.goal_observation == nullptr ? 0 : packed2::kBytesPerFrame) {
    DREAMER_CHECK_CUDA(cudaSetDevice(device));
    DREAMER_CHECK_CUDA(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    rom_.upload(host_task.rom.data, host_task.rom.size);
    reset_console_.upload(host_task.reset.console, 1);
    reset_observation_.upload(host_task.reset.observation, packed2::kBytesPerFrame);
    if (host_task.goal_observation != nullptr)
      goal_observation_.upload(host_task.goal_observation, packed2::kBytesPerFrame);
    const std::vector<gb::Console> consoles(static_cast<std::size_t>(num_envs), *host_task.reset.console);
    consoles_.upload(consoles.data(), consoles.size());
    EpisodeState fresh{};
    fresh.episode_id = -1;  // the first reset starts episode 0
    fresh.needs_reset = 1;
    const std::vector<EpisodeState> episodes(static_cast<std::size_t>(num_envs), fresh);
    episodes_.upload(episodes.data(), episodes.size());

    task_ = host_task;
    task_.rom.data = rom_.get();
    task_.reset.console = reset_console_.get();
    task_.reset.observation = reset_observation_.get();
    task_.goal_observation = host_task.goal_observation == nullptr ? nullptr : goal_observation_.get();
  }
  ~CudaBatchedEnv() override {
    if (stream_ != nullptr) cudaStreamDestroy(stream_);
  }

  Backend backend() const override { return Backend::kCuda; }
  int num_envs() const override { return num_envs_; }

  void reset(const std::uint8_t* mask, const EnvBatchOutputs& out) override {
    reset_kernel<<<blocks(), kThreadsPerBlock, 0, stream_>>>(consoles_.get(), episodes_.get(), num_envs_, task_, mask,
                                                             out);
    DREAMER_CHECK_CUDA(cudaGetLastError());
  }
  void step(const std::uint8_t* actions, const EnvBatchOutputs& out) override {
    step_kernel<<<blocks(), kThreadsPerBlock, 0, stream_>>>(consoles_.get(), episodes_.get(), num_envs_, task_, actions,
                                                            out);
    DREAMER_CHECK_CUDA(cudaGetLastError());
  }
  void synchronize() override { DREAMER_CHECK_CUDA(cudaStreamSynchronize(stream_)); }

  std::vector<gb::Console> consoles() const override {
    DREAMER_CHECK_CUDA(cudaStreamSynchronize(stream_));
    return consoles_.download();
  }
  std::vector<EpisodeState> episodes() const override {
    DREAMER_CHECK_CUDA(cudaStreamSynchronize(stream_));
    return episodes_.download();
  }
  // One strided copy: the counters field of every console, not the consoles.
  std::vector<gb::Counters> counters() const override {
    DREAMER_CHECK_CUDA(cudaStreamSynchronize(stream_));
    std::vector<gb::Counters> host(static_cast<std::size_t>(num_envs_));
    const auto* first = reinterpret_cast<const char*>(consoles_.get()) + offsetof(gb::Console, counters);
    DREAMER_CHECK_CUDA(cudaMemcpy2D(host.data(), sizeof(gb::Counters), first, sizeof(gb::Console), sizeof(gb::Counters),
                                    host.size(), cudaMemcpyDeviceToHost));
    return host;
  }

 private:
  int blocks() const { return (num_envs_ + kThreadsPerBlock - 1) / kThreadsPerBlock; }

  int num_envs_;
  cudaStream_t stream_ = nullptr;
  DeviceArray<gb::Console> consoles_;
  DeviceArray<EpisodeState> episodes_;
  DeviceArray<std::uint8_t> rom_;
  DeviceArray<gb::Console> reset_console_;
  DeviceArray<std::uint8_t> reset_observation_;
  DeviceArray<std::uint8_t> goal_observation_;
  TaskView task_;
};

}  // namespace

int cuda_device_count() {
  int count = 0;
  if (cudaGetDeviceCount(&count) != cudaSuccess) {
    cudaGetLastError();
    return 0;
  }
  return count;
}

std::unique_ptr<BatchedEnv> make_cuda_batched_env(const TaskView& task, int num_envs, int device) {
  if (cuda_device_count() <= device)
    throw Error("the CUDA backend needs GPU " + std::to_string(device) + " but the runtime sees " +
                std::to_string(cuda_device_count()) + " device(s)");
  return std::make_unique<CudaBatchedEnv>(task, num_envs, device);
}

}  // namespace dreamer::env::cuda
