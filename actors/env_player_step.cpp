#include "actors/env_player_step.hpp"

#include <torch/torch.h>

#include <algorithm>

#include "common/error.hpp"
#include "common/packed2.hpp"
#include "learner/player.hpp"

namespace dreamer::actors {

EnvPlayerStep::EnvPlayerStep(env::BatchedEnv& env, learner::Player* player, bool greedy,
                             std::optional<std::uint8_t> constant_action)
    : env_(env),
      player_(player),
      greedy_(greedy),
      constant_action_(constant_action),
      next_(static_cast<std::size_t>(env.num_envs()), 0),
      applied_(next_.size(), 0) {
  DREAMER_ASSERT(player != nullptr || constant_action, "EnvPlayerStep needs a Player or a constant action");
}

std::span<const std::uint8_t> EnvPlayerStep::tick(const env::EnvBatchOutputs& out) {
  DREAMER_ASSERT(out.observation_stride == packed2::kBytesPerFrame, "the Player reads contiguous observations");
  if (!started_) {
    env_.reset(nullptr, out);
    started_ = true;
  } else {
    env_.step(next_.data(), out);
  }
  applied_.swap(next_);
  if (constant_action_) {
    std::fill(next_.begin(), next_.end(), *constant_action_);
  } else {
    const auto n = static_cast<std::int64_t>(next_.size());
    const torch::Tensor obs =
        torch::from_blob(out.observation, {n, packed2::kHeight, packed2::kBytesPerRow}, torch::kUInt8);
    const torch::Tensor is_first = torch::from_blob(out.is_first, {n}, torch::kUInt8);
    const torch::Tensor chosen = player_->act(obs, is_first, greedy_).to(torch::kCPU, torch::kUInt8).contiguous();
    std::copy_n(chosen.data_ptr<std::uint8_t>(), n, next_.begin());
  }
  return applied_;
}

}  // namespace dreamer::actors
