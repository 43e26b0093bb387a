#pragma once
// Player: the acting half of the agent, run by actors for a batch of N envs.
// Per step it encodes the observation, advances the RSSM posterior with the
// previous action, and picks the next action:
//
//   obs_t, is_first_t --> encoder --> RSSM step (h, z, a_{t-1}) --> actor --> a_t
//                                       ^  state kept per env   |
//                                       +-----------------------+  a_prev := a_t
//
// Where is_first, the state resets (h0, z0, a_prev = 0), exactly as in
// training. Weights come from the learner as a flat list of tensors in
// player_parameters() order (encoder, RSSM, actor) plus a version number.
// Runs without autograd. Not thread-safe: one thread drives a Player.
#include <cstdint>
#include <vector>

#include <ATen/core/Generator.h>
#include <torch/types.h>

#include "learner/actor.hpp"
#include "learner/dreamer_options.hpp"
#include "learner/encoder.hpp"
#include "learner/rssm.hpp"

namespace dreamer::learner {

// The parameters a Player needs, in its load order.
std::vector<torch::Tensor> player_parameters(EncoderImpl& encoder, RssmImpl& rssm, ActorImpl& actor);

class Player {
 public:
  // Sampled actions and latents come from the Player's own generator,
  // seeded with `seed`: its draws don't depend on (or disturb) the
  // learner's, which may be capturing CUDA graphs on another thread.
  Player(const ModelOptions& options, int64_t num_envs, torch::Device device, uint64_t seed);

  // obs: packed2 uint8 [N, 72, 20]; is_first: bool/float [N]. Returns int64
  // [N] actions on the Player's device: argmax if greedy, else sampled.
  torch::Tensor act(const torch::Tensor& obs, const torch::Tensor& is_first, bool greedy);

  // Copies `weights` (player_parameters() order, any device) into the
  // Player's modules; asserts on count or shape mismatch.
  void load_weights(const std::vector<torch::Tensor>& weights, int64_t version);
  int64_t version() const { return version_; }
  std::vector<torch::Tensor> weights();

  // Forgets all env states; the next act() treats every env as is_first.
  void reset();

  int64_t num_envs() const { return num_envs_; }

 private:
  ModelOptions options_;
  int64_t num_envs_;
  torch::Device device_;
  Encoder encoder_{nullptr};
  Rssm rssm_{nullptr};
  Actor actor_{nullptr};
  RssmState state_;
  torch::Tensor action_prev_;  // one-hot [N, A]
  int64_t version_ = -1;
  at::Generator generator_;
};

}  // namespace dreamer::learner
