#pragma once
// CPU backend of BatchedEnv: consoles and episode state in host vectors, a
// WorkerPool stepping contiguous slices of envs. Inputs and outputs are host
// pointers. See batched_env.hpp.
#include <memory>
#include <vector>

#include "actors/env/batched_env.hpp"
#include "actors/env/worker_pool.hpp"

namespace dreamer::env {

class CpuBatchedEnv final : public BatchedEnv {
 public:
  CpuBatchedEnv(const Task& task, int num_envs, int threads);

  Backend backend() const override { return Backend::kCpu; }
  int num_envs() const override { return static_cast<int>(consoles_.size()); }
  void reset(const std::uint8_t* mask, const EnvBatchOutputs& out) override;
  void step(const std::uint8_t* actions, const EnvBatchOutputs& out) override;
  void synchronize() override {}
  std::vector<gb::Console> consoles() const override { return consoles_; }
  std::vector<gb::Counters> counters() const override;
  std::vector<EpisodeState> episodes() const override { return episodes_; }

 private:
  TaskView task_;
  std::vector<gb::Console> consoles_;
  std::vector<EpisodeState> episodes_;
  WorkerPool pool_;
};

}  // namespace dreamer::env
