#include "learner/dreamer_agent.hpp"

#include <unordered_map>

#include <torch/torch.h>

#include "common/error.hpp"
#include "learner/autocast_scope.hpp"
#include "learner/categorical.hpp"
#include "learner/gradient_clip.hpp"
#include "learner/kl_loss.hpp"
#include "learner/lambda_returns.hpp"
#include "learner/packed2_unpack.hpp"
#include "learner/player.hpp"
#include "learner/two_hot.hpp"

namespace dreamer::learner {

struct DreamerAgent::WorldModelStep {
  torch::Tensor start_deter;     // [T * B, deter], detached posteriors
  torch::Tensor start_stoch;     // [T * B, stoch]
  torch::Tensor start_continue;  // [T * B], 1 - is_terminal from data
  std::unordered_map<std::string, torch::Tensor> metrics;
};

namespace {

std::unique_ptr<torch::optim::Adam> make_adam(const std::vector<torch::Tensor>& parameters, double lr, double eps) {
  return std::make_unique<torch::optim::Adam>(parameters, torch::optim::AdamOptions(lr).eps(eps));
}

}  // namespace

DreamerAgent::DreamerAgent(const DreamerOptions& options, torch::Device device) : options_(options), device_(device) {
  options_.validate();
  const auto& model = options_.model;
  const auto& train = options_.train;
  world_model_ = WorldModel(model);
  actor_ = Actor(actor_options(model));
  critic_ = Critic(two_hot_head_options(model));
  slow_critic_ = Critic(two_hot_head_options(model));
  return_ema_ = ReturnEma(ReturnEmaOptions{train.return_ema_decay, train.return_low_percentile,
                                           train.return_high_percentile, train.return_max_scale});
  {
    torch::NoGradGuard no_grad;
    auto source = critic_->parameters();
    auto target = slow_critic_->parameters();
    for (size_t i = 0; i < source.size(); ++i) {
      target[i].copy_(source[i]);
      target[i].set_requires_grad(false);
    }
  }
  world_model_->to(device_);
  actor_->to(device_);
  critic_->to(device_);
  slow_critic_->to(device_);
  return_ema_->to(device_);
  bins_ = make_two_hot_bins(device_);
  model_optimizer_ = make_adam(world_model_->parameters(), train.model_lr, train.adam_eps);
  actor_optimizer_ = make_adam(actor_->parameters(), train.actor_lr, train.adam_eps);
  critic_optimizer_ = make_adam(critic_->parameters(), train.critic_lr, train.adam_eps);
}

std::vector<std::pair<std::string, std::shared_ptr<torch::nn::Module>>> DreamerAgent::named_modules() {
  return {{"world_model", world_model_.ptr()},
          {"actor", actor_.ptr()},
          {"critic", critic_.ptr()},
          {"slow_critic", slow_critic_.ptr()},
          {"return_ema", return_ema_.ptr()}};
}

std::vector<std::pair<std::string, torch::optim::Adam*>> DreamerAgent::named_optimizers() {
  return {{"model", model_optimizer_.get()}, {"actor", actor_optimizer_.get()}, {"critic", critic_optimizer_.get()}};
}

std::vector<torch::Tensor> DreamerAgent::player_weights() {
  return player_parameters(*world_model_->encoder(), *world_model_->rssm(), *actor_);
}

torch::Tensor DreamerAgent::apply_gradients(ParameterGroup group, torch::nn::Module& module,
                                            torch::optim::Adam& optimizer, double max_norm) {
  auto parameters = module.parameters();
  std::vector<torch::Tensor> grads;
  grads.reserve(parameters.size());
  for (auto& parameter : parameters) {
    if (!parameter.grad().defined()) parameter.mutable_grad() = torch::zeros_like(parameter);
    grads.push_back(parameter.grad());
  }
  if (gradient_hook_) {
    gradient_hook_(group, grads);
    DREAMER_ASSERT(grads.size() == parameters.size(), "gradient hook changed the gradient count");
    for (size_t i = 0; i < grads.size(); ++i) {
      if (!grads[i].is_same(parameters[i].grad())) parameters[i].mutable_grad() = grads[i];
    }
  }
  auto norm = clip_gradient_norm(grads, max_norm);
  optimizer.step();
  return norm;
}

DreamerAgent::WorldModelStep DreamerAgent::train_world_model(const PreparedBatch& batch) {
  const auto& train = options_.train;
  const bool autocast = train.autocast_bf16 && device_.is_cuda();
  const int64_t steps = batch.obs.size(0);
  const int64_t batch_size = batch.obs.size(1);
  model_optimizer_->zero_grad();

  RssmObservation observation;
  torch::Tensor reconstruction;
  torch::Tensor reward_logits;
  torch::Tensor continue_logits;
  {
    AutocastScope scope(autocast);
    const auto embed = world_model_->encoder()->forward(batch.obs.flatten(0, 1)).view({steps, batch_size, -1});
    observation = world_model_->rssm()->observe(embed, batch.action_prev, batch.is_first);
    const auto latent = torch::cat({observation.stoch, observation.deter}, -1);
    reconstruction = world_model_->decoder()->forward(latent.flatten(0, 1));
    reward_logits = world_model_->reward_head()->forward(latent);
    continue_logits = world_model_->continue_head()->forward(latent);
  }
  const auto image = packed2_to_image(batch.obs);
  const auto obs_nll = (reconstruction.to(torch::kFloat32).view(image.sizes()) - image).square().sum({-2, -1});
  const auto reward_nll = -two_hot_log_prob(reward_logits, batch.reward, bins_);
  const auto continue_target = 1.0 - batch.is_terminal;
  const auto continue_nll = torch::nn::functional::binary_cross_entropy_with_logits(
      continue_logits.to(torch::kFloat32), continue_target,
      torch::nn::functional::BinaryCrossEntropyWithLogitsFuncOptions().reduction(torch::kNone));
  const double unimix = options_.model.unimix;
  const auto post_probs = unimix_probs(observation.post_logits, unimix);
  const auto prior_probs = unimix_probs(observation.prior_logits, unimix);
  const auto kl =
      kl_loss(post_probs, prior_probs, KlLossOptions{train.kl_dyn_scale, train.kl_rep_scale, train.kl_free_bits});
  const auto loss = (obs_nll + reward_nll + continue_nll + kl.loss).mean();
  loss.backward();
  const auto grad_norm =
      apply_gradients(ParameterGroup::kModel, *world_model_, *model_optimizer_, train.model_grad_clip);

  WorldModelStep step;
  step.start_deter = observation.deter.detach().flatten(0, 1);
  step.start_stoch = observation.stoch.detach().flatten(0, 1);
  step.start_continue = continue_target.flatten();
  auto& m = step.metrics;
  m["loss_model"] = loss.detach();
  m["obs_nll"] = obs_nll.detach().mean();
  m["reward_nll"] = reward_nll.detach().mean();
  m["continue_nll"] = continue_nll.detach().mean();
  m["kl_dyn"] = kl.kl.mean();
  m["kl_rep"] = kl.kl.mean();
  m["kl_total"] = kl.loss.detach().mean();
  m["free_bits_applied"] = kl.free_bits_applied;
  m["prior_entropy"] = categorical_entropy(prior_probs.detach()).sum(-1).mean();
  m["posterior_entropy"] = categorical_entropy(post_probs.detach()).sum(-1).mean();
  m["grad_norm_model"] = grad_norm;
  return step;
}

void DreamerAgent::update_slow_critic() {
  torch::NoGradGuard no_grad;
  const double rate = options_.train.slow_critic_rate;
  auto source = critic_->parameters();
  auto target = slow_critic_->parameters();
  for (size_t i = 0; i < source.size(); ++i) target[i].mul_(1.0 - rate).add_(source[i], rate);
}

UpdateMetrics DreamerAgent::update(const TrainingBatch& training_batch) {
  const auto& train = options_.train;
  const bool autocast = train.autocast_bf16 && device_.is_cuda();
  const auto batch = prepare_batch(training_batch, options_.model.num_actions, device_);
  auto step = train_world_model(batch);
  auto& m = step.metrics;

  // Imagination from every posterior; no gradient flows into the world model.
  RssmImagination imagination;
  torch::Tensor rewards;
  torch::Tensor values;
  torch::Tensor continues;
  {
    torch::NoGradGuard no_grad;
    AutocastScope scope(autocast);
    imagination = world_model_->rssm()->imagine(actor_, {step.start_deter, step.start_stoch}, train.horizon);
    rewards = two_hot_mean(world_model_->reward_head()->forward(imagination.latents), bins_);
    values = two_hot_mean(critic_->forward(imagination.latents), bins_);
    const auto predicted_continue =
        (world_model_->continue_head()->forward(imagination.latents) > 0).to(torch::kFloat32);
    continues = torch::cat({step.start_continue.unsqueeze(0), predicted_continue.slice(0, 1)});
  }
  const auto returns = lambda_returns(rewards, values, continues, train.gamma, train.lambda);
  const auto weight = (torch::cumprod(train.gamma * continues, 0) / train.gamma).slice(0, 0, -1);
  auto quantiles = return_ema_->quantiles(returns);
  if (quantile_hook_) quantile_hook_(quantiles);
  return_ema_->update(quantiles);
  const auto baseline = values.slice(0, 0, -1);
  const auto advantage = (returns - baseline) / return_ema_->scale();
  const auto latents = imagination.latents.slice(0, 0, -1);

  // Actor: REINFORCE with entropy bonus.
  actor_optimizer_->zero_grad();
  torch::Tensor actor_logits;
  {
    AutocastScope scope(autocast);
    actor_logits = actor_->forward(latents);
  }
  const auto action_probs = unimix_probs(actor_logits, options_.model.unimix);
  const auto log_prob = torch::special::xlogy(imagination.actions.slice(0, 0, -1).detach(), action_probs).sum(-1);
  const auto entropy = categorical_entropy(action_probs);
  const auto loss_actor = -(weight * (log_prob * advantage + train.actor_entropy * entropy)).mean();
  loss_actor.backward();
  m["grad_norm_actor"] = apply_gradients(ParameterGroup::kActor, *actor_, *actor_optimizer_, train.actor_grad_clip);

  // Critic: two-hot NLL of the returns plus the slow-critic regulariser.
  critic_optimizer_->zero_grad();
  torch::Tensor critic_logits;
  torch::Tensor slow_mean;
  {
    AutocastScope scope(autocast);
    critic_logits = critic_->forward(latents);
    torch::NoGradGuard no_grad;
    slow_mean = two_hot_mean(slow_critic_->forward(latents), bins_);
  }
  const auto critic_nll = -two_hot_log_prob(critic_logits, returns, bins_) -
                          train.slow_critic_reg * two_hot_log_prob(critic_logits, slow_mean, bins_);
  const auto loss_critic = (weight * critic_nll).mean();
  loss_critic.backward();
  m["grad_norm_critic"] =
      apply_gradients(ParameterGroup::kCritic, *critic_, *critic_optimizer_, train.critic_grad_clip);
  update_slow_critic();
  ++counters_.updates;

  m["loss_actor"] = loss_actor.detach();
  m["loss_critic"] = loss_critic.detach();
  m["action_entropy"] = entropy.detach().mean();
  m["value_mean"] = baseline.mean();
  m["value_std"] = baseline.std();
  m["adv_mean"] = advantage.mean();
  m["adv_std"] = advantage.std();
  m["ret_p05"] = return_ema_->low().clone();
  m["ret_p95"] = return_ema_->high().clone();
  m["ret_scale"] = return_ema_->scale();

  std::vector<torch::Tensor> ordered;
  ordered.reserve(UpdateMetrics::names().size());
  for (const auto& name : UpdateMetrics::names()) {
    const auto it = m.find(name);
    DREAMER_ASSERT(it != m.end(), "metric '" + name + "' was not computed");
    ordered.push_back(it->second.detach().to(torch::kFloat32).reshape({}));
  }
  return UpdateMetrics{torch::stack(ordered)};
}

}  // namespace dreamer::learner
