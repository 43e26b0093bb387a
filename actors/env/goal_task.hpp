#pragma once
// The goal task, per environment, shared by the CPU and CUDA backends
// (DESIGN.md §5):
//
//   dist    = sum |shade_obs - shade_goal| / (72 * 80 * 3)       (l1_mean_norm)
//   success = dist < tau for k_consecutive steps in a row          -> terminated
//   truncated when the episode reaches max_steps without success
//   reward  = step_cost + alpha * (prev_dist - dist) + goal_bonus * success
//
// The distance is computed on packed2 bytes directly (observation and goal
// both packed), four pixels per byte.
#include <cstdint>

#include "common/host_device.hpp"
#include "common/packed2.hpp"

namespace dreamer::env {

struct GoalParams {
  float tau = 0.05f;
  int k_consecutive = 4;
  int max_steps = 128;
  float step_cost = -0.01f;
  float alpha = 1.0f;
  float goal_bonus = 10.0f;
};

// Per-environment episode state (plain integers/floats: lives in device
// arrays on CUDA).
struct EpisodeState {
  float prev_dist;
  std::int32_t steps;        // env steps taken in this episode
  std::int32_t below_tau;    // consecutive steps with dist < tau
  std::int64_t episode_id;   // counts resets of this env, from 0
  std::uint8_t needs_reset;  // the last step ended the episode
  std::uint8_t pad[7];
};

struct StepResult {
  float reward;
  float dist;
  std::uint8_t terminated;
  std::uint8_t truncated;
};

DREAMER_HD_INLINE float l1_mean_norm_packed(const std::uint8_t* obs, const std::uint8_t* goal) {
  std::uint32_t total = 0;
  for (int i = 0; i < packed2::kBytesPerFrame; ++i) {
    for (int k = 0; k < 4; ++k) {
      const int a = packed2::unpack_one(obs[i], k);
      const int b = packed2::unpack_one(goal[i], k);
      total += static_cast<std::uint32_t>(a > b ? a - b : b - a);
    }
  }
  return static_cast<float>(total) / static_cast<float>(packed2::kPixelsPerFrame * 3);
}

// Starts an episode whose first observation is at distance `dist`.
DREAMER_HD_INLINE void begin_episode(EpisodeState& episode, float dist) {
  episode.prev_dist = dist;
  episode.steps = 0;
  episode.below_tau = 0;
  episode.needs_reset = 0;
}

// Scores one env step that produced an observation at distance `dist`.
DREAMER_HD_INLINE StepResult score_step(EpisodeState& episode, const GoalParams& params, float dist) {
  StepResult result;
  result.dist = dist;
  episode.steps += 1;
  episode.below_tau = dist < params.tau ? episode.below_tau + 1 : 0;
  const bool success = episode.below_tau >= params.k_consecutive;
  result.terminated = success ? 1 : 0;
  result.truncated = (!success && episode.steps >= params.max_steps) ? 1 : 0;
  result.reward = params.step_cost + params.alpha * (episode.prev_dist - dist) + (success ? params.goal_bonus : 0.0f);
  episode.prev_dist = dist;
  episode.needs_reset = (result.terminated | result.truncated) != 0 ? 1 : 0;
  return result;
}

}  // namespace dreamer::env
