#include "actors/env/cpu_batched_env.hpp"

#include "actors/env/task.hpp"

namespace dreamer::env {

CpuBatchedEnv::CpuBatchedEnv(const Task& task, int num_envs, int threads)
    : task_(task.view()),
      consoles_(static_cast<std::size_t>(num_envs), task.reset_console()),
      episodes_(static_cast<std::size_t>(num_envs)),
      pool_(threads) {
  for (EpisodeState& episode : episodes_) {
    episode = EpisodeState{};
    episode.episode_id = -1;  // the first reset starts episode 0
    episode.needs_reset = 1;
  }
}

void CpuBatchedEnv::reset(const std::uint8_t* mask, const EnvBatchOutputs& out) {
  pool_.run(num_envs(), [&](int begin, int end) {
    for (int env = begin; env < end; ++env) {
      if (mask == nullptr || mask[env] != 0) write_reset(env, consoles_[env], episodes_[env], task_, out);
    }
  });
}

void CpuBatchedEnv::step(const std::uint8_t* actions, const EnvBatchOutputs& out) {
  pool_.run(num_envs(), [&](int begin, int end) {
    for (int env = begin; env < end; ++env) env_step_one(env, consoles_[env], episodes_[env], task_, actions[env], out);
  });
}

std::vector<gb::Counters> CpuBatchedEnv::counters() const {
  std::vector<gb::Counters> result;
  result.reserve(consoles_.size());
  for (const gb::Console& console : consoles_) result.push_back(console.counters);
  return result;
}

}  // namespace dreamer::env
