#pragma once
// EnvPlayerStep: one tick of CPU-stepped envs and the Player acting in them,
// the step of the actor loop (actor_worker.hpp, CPU backend) and of every
// policy evaluation (launch/policy_evaluation.hpp):
//
//   tick t:  obs_t, r_t, flags_t <- env (reset on the first tick, else step(a_{t-1}))
//            a_t <- Player(obs_t, is_first_t)            (or a constant action)
//
// The envs write into host memory; the Player may run on any device. The
// actions chosen at the last tick a caller runs go unused.
//
// Not thread-safe: one thread drives it.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "actors/env/batched_env.hpp"

namespace dreamer::learner {
class Player;
}

namespace dreamer::actors {

class EnvPlayerStep {
 public:
  // `player` may be null with a constant action (Standing Still: every env
  // takes it and no Player runs). `env` and `player` must outlive this.
  EnvPlayerStep(env::BatchedEnv& env, learner::Player* player, bool greedy,
                std::optional<std::uint8_t> constant_action);

  // Runs tick t into `out` (contiguous observations) and returns a_{t-1}, the
  // actions that led to its observations (0 on the first tick), valid until
  // the next tick.
  std::span<const std::uint8_t> tick(const env::EnvBatchOutputs& out);

 private:
  env::BatchedEnv& env_;
  learner::Player* player_;
  bool greedy_;
  std::optional<std::uint8_t> constant_action_;
  bool started_ = false;
  std::vector<std::uint8_t> next_;     // a_t, applied by the next tick
  std::vector<std::uint8_t> applied_;  // a_{t-1}
};

}  // namespace dreamer::actors
