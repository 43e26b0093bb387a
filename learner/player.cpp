#include "learner/player.hpp"

#include <torch/torch.h>

#include "common/error.hpp"
#include "learner/categorical.hpp"
#include "learner/world_model.hpp"

namespace dreamer::learner {

std::vector<torch::Tensor> player_parameters(EncoderImpl& encoder, RssmImpl& rssm, ActorImpl& actor) {
  std::vector<torch::Tensor> result = encoder.parameters();
  for (auto& tensor : rssm.parameters()) result.push_back(tensor);
  for (auto& tensor : actor.parameters()) result.push_back(tensor);
  return result;
}

Player::Player(const ModelOptions& options, int64_t num_envs, torch::Device device, uint64_t seed)
    : options_(options),
      num_envs_(num_envs),
      device_(device),
      generator_(at::globalContext().defaultGenerator(device).clone()) {
  generator_.set_current_seed(seed);
  options_.validate();
  DREAMER_ASSERT(num_envs_ > 0, "Player needs at least one env");
  encoder_ = Encoder(encoder_options(options_));
  rssm_ = Rssm(rssm_options(options_));
  actor_ = Actor(actor_options(options_));
  encoder_->to(device_);
  rssm_->to(device_);
  actor_->to(device_);
  encoder_->eval();
  rssm_->eval();
  actor_->eval();
  for (auto& tensor : weights()) tensor.set_requires_grad(false);
  reset();
}

std::vector<torch::Tensor> Player::weights() { return player_parameters(*encoder_, *rssm_, *actor_); }

void Player::load_weights(const std::vector<torch::Tensor>& source, int64_t version) {
  torch::NoGradGuard no_grad;
  auto target = weights();
  DREAMER_ASSERT(source.size() == target.size(), "Player::load_weights: wrong tensor count");
  for (size_t i = 0; i < target.size(); ++i) {
    DREAMER_ASSERT(source[i].sizes() == target[i].sizes(),
                   "Player::load_weights: shape mismatch at tensor " + std::to_string(i));
    target[i].copy_(source[i]);
  }
  version_ = version;
}

void Player::reset() {
  state_ = RssmState{};
  action_prev_ =
      torch::zeros({num_envs_, options_.num_actions}, torch::TensorOptions().dtype(torch::kFloat32).device(device_));
}

torch::Tensor Player::act(const torch::Tensor& obs, const torch::Tensor& is_first, bool greedy) {
  DREAMER_ASSERT(obs.dim() == 3 && obs.size(0) == num_envs_, "Player::act: obs must be [N, 72, 20]");
  DREAMER_ASSERT(is_first.dim() == 1 && is_first.size(0) == num_envs_, "Player::act: is_first must be [N]");
  torch::NoGradGuard no_grad;
  auto first = is_first.to(device_).to(torch::kFloat32);
  if (!state_.deter.defined()) first = torch::ones_like(first);
  const auto embed = encoder_->forward(obs.to(device_));
  state_ = rssm_->observe_step(state_, action_prev_, embed, first, nullptr, generator_);
  const auto latent = rssm_->latent(state_);
  const auto action = greedy ? actor_->greedy(latent) : actor_->sample(latent, generator_).argmax(-1);
  action_prev_ = one_hot_float(action, options_.num_actions, action_prev_.options());
  return action;
}

}  // namespace dreamer::learner
