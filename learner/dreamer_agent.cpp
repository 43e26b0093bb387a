#include "learner/dreamer_agent.hpp"

#include <array>
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

// Every tensor that crosses a segment of the update. It outlives the update:
// with CUDA graphs these are the addresses the captured graphs read and write.
struct DreamerAgent::UpdatePass {
  TrainingBatch input;           // CUDA graphs: static copy of the batch
  torch::Tensor start_deter;     // [T * B, deter], detached posteriors
  torch::Tensor start_stoch;     // [T * B, stoch]
  torch::Tensor start_continue;  // [T * B], 1 - is_terminal from data
  torch::Tensor latents;         // [H, T * B, latent] imagined states with a successor
  torch::Tensor actions;         // [H, T * B, A] the actor's samples there (one-hot)
  torch::Tensor baseline;        // [H, T * B] critic values there
  torch::Tensor returns;         // [H, T * B] lambda-returns
  torch::Tensor weight;          // [H, T * B] cumulative discount
  torch::Tensor quantiles;       // fp32 [2] this update's return quantiles
  std::unordered_map<std::string, torch::Tensor> metrics;
  torch::Tensor metric_values;  // fp32 [UpdateMetrics::names().size()]
};

namespace {

std::unique_ptr<torch::optim::Adam> make_adam(const std::vector<torch::Tensor>& parameters, double lr, double eps) {
  return std::make_unique<torch::optim::Adam>(parameters, torch::optim::AdamOptions(lr).eps(eps));
}

struct GroupParts {
  torch::nn::Module& module;
  torch::optim::Adam& optimizer;
  double max_norm;
  const char* norm_metric;
};

GroupParts group_parts(DreamerAgent& agent, ParameterGroup group) {
  const auto& train = agent.options().train;
  switch (group) {
    case ParameterGroup::kModel:
      return {*agent.world_model(), agent.model_optimizer(), train.model_grad_clip, "grad_norm_model"};
    case ParameterGroup::kActor:
      return {*agent.actor(), agent.actor_optimizer(), train.actor_grad_clip, "grad_norm_actor"};
    case ParameterGroup::kCritic:
      return {*agent.critic(), agent.critic_optimizer(), train.critic_grad_clip, "grad_norm_critic"};
  }
  throw Error("unknown parameter group");
}

}  // namespace

DreamerAgent::DreamerAgent(const DreamerOptions& options, torch::Device device) : options_(options), device_(device) {
  options_.validate();
  const auto& model = options_.model;
  const auto& train = options_.train;
  world_model_ = WorldModel(model);
  actor_ = Actor(actor_options(model));
  critic_ = make_two_hot_head(head_options(model));
  slow_critic_ = make_two_hot_head(head_options(model));
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
  if (device_.is_cuda() && train.fused_adam) {
    for (auto* optimizer : {model_optimizer_.get(), actor_optimizer_.get(), critic_optimizer_.get()}) {
      fused_optimizers_.push_back(std::make_unique<FusedAdam>(*optimizer));
    }
  }
  if (device_.is_cuda() && train.cuda_graphs) graphs_ = std::make_unique<UpdateGraphs>(device_);
  pass_ = std::make_unique<UpdatePass>();
}

DreamerAgent::~DreamerAgent() = default;

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

UpdateMetrics DreamerAgent::update(const TrainingBatch& batch) {
  if (prepare_fused_optimizers() && graphs_) graphs_->reset();
  if (graphs_) {
    graphs_->update([&] {
      copy_to_static_batch(batch);
      run_update(pass_->input);
    });
  } else {
    run_update(batch);
  }
  for (auto& fused : fused_optimizers_) fused->count();
  ++counters_.updates;
  // With graphs the values sit in the graphs' static tensor, which the next
  // update overwrites; the copy is made on the caller's stream.
  return UpdateMetrics{graphs_ ? pass_->metric_values.clone() : pass_->metric_values};
}

void DreamerAgent::run_update(const TrainingBatch& batch) {
  segment("world_model", [&] { train_world_model(prepare_batch(batch, options_.model.num_actions, device_)); });
  after_backward(ParameterGroup::kModel);
  segment("imagination", [&] {
    fused_step(ParameterGroup::kModel);
    imagine_returns();
  });
  apply_quantile_hook();
  segment("actor", [&] { train_actor(); });
  after_backward(ParameterGroup::kActor);
  segment("critic", [&] {
    fused_step(ParameterGroup::kActor);
    train_critic();
  });
  after_backward(ParameterGroup::kCritic);
  segment("finish", [&] {
    fused_step(ParameterGroup::kCritic);
    update_slow_critic();
    collect_metrics();
  });
}

void DreamerAgent::segment(const std::string& name, const std::function<void()>& body) {
  if (graphs_) {
    graphs_->run(name, body);
  } else {
    body();
  }
}

void DreamerAgent::copy_to_static_batch(const TrainingBatch& batch) {
  using Field = torch::Tensor TrainingBatch::*;
  const std::array<std::pair<Field, const char*>, 6> fields{{{&TrainingBatch::obs, "obs"},
                                                             {&TrainingBatch::action, "action"},
                                                             {&TrainingBatch::reward, "reward"},
                                                             {&TrainingBatch::is_first, "is_first"},
                                                             {&TrainingBatch::is_terminal, "is_terminal"},
                                                             {&TrainingBatch::is_truncated, "is_truncated"}}};
  for (const auto& [field, name] : fields) {
    const torch::Tensor& source = batch.*field;
    torch::Tensor& target = pass_->input.*field;
    DREAMER_ASSERT(source.defined(), std::string("TrainingBatch.") + name + " is undefined");
    if (!target.defined()) {
      target = torch::empty(source.sizes(), source.options().device(device_));
    } else if (target.sizes() != source.sizes() || target.scalar_type() != source.scalar_type()) {
      throw Error(std::string("cuda_graphs: TrainingBatch.") + name +
                  " changed its shape or dtype between updates; the captured graphs need one batch layout");
    }
    target.copy_(source);
  }
}

bool DreamerAgent::prepare_fused_optimizers() {
  bool rebound = false;
  for (auto& fused : fused_optimizers_) rebound = fused->prepare() || rebound;
  return rebound;
}

void DreamerAgent::after_backward(ParameterGroup group) {
  auto parameters = group_parts(*this, group).module.parameters();
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
      if (grads[i].is_same(parameters[i].grad())) continue;
      if (graphs_) {
        parameters[i].mutable_grad().copy_(grads[i]);
        grads[i] = parameters[i].grad();
      } else {
        parameters[i].mutable_grad() = grads[i];
      }
    }
  }
  if (fused_optimizers_.empty()) record_grad_norm(group, clip_and_step(group, grads));
}

void DreamerAgent::fused_step(ParameterGroup group) {
  if (fused_optimizers_.empty()) return;
  std::vector<torch::Tensor> grads;
  for (const auto& parameter : group_parts(*this, group).module.parameters()) grads.push_back(parameter.grad());
  record_grad_norm(group, clip_and_step(group, grads));
}

torch::Tensor DreamerAgent::clip_and_step(ParameterGroup group, const std::vector<torch::Tensor>& grads) {
  const GroupParts parts = group_parts(*this, group);
  auto norm = clip_gradient_norm(grads, parts.max_norm);
  if (fused_optimizers_.empty()) {
    parts.optimizer.step();
  } else {
    fused_optimizers_[static_cast<size_t>(group)]->launch();
  }
  return norm;
}

void DreamerAgent::record_grad_norm(ParameterGroup group, const torch::Tensor& norm) {
  auto& slot = pass_->metrics[group_parts(*this, group).norm_metric];
  if (graphs_ && slot.defined()) {
    slot.copy_(norm);
  } else {
    slot = norm;
  }
}

void DreamerAgent::train_world_model(const PreparedBatch& batch) {
  const auto& train = options_.train;
  const bool autocast = train.autocast_bf16 && device_.is_cuda();
  const int64_t steps = batch.obs.size(0);
  const int64_t batch_size = batch.obs.size(1);
  model_optimizer_->zero_grad();

  RssmObservation observation;
  torch::Tensor reconstruction;
  torch::Tensor reward_logits;
  torch::Tensor continue_logits;
  // The unpacked image feeds both the encoder and the reconstruction loss.
  const auto image = packed2_to_image(batch.obs);
  {
    AutocastScope scope(autocast);
    const auto embed =
        world_model_->encoder()->forward_image(image.flatten(0, 1).unsqueeze(1)).view({steps, batch_size, -1});
    observation = world_model_->rssm()->observe(embed, batch.action_prev, batch.is_first);
    const auto latent = torch::cat({observation.stoch, observation.deter}, -1);
    reconstruction = world_model_->decoder()->forward(latent.flatten(0, 1));
    reward_logits = world_model_->reward_head()->forward(latent);
    continue_logits = world_model_->continue_head()->forward(latent).squeeze(-1);
  }
  const auto obs_nll = (reconstruction.to(torch::kFloat32).view(image.sizes()) - image).square().sum({-2, -1});
  const auto reward_nll = -two_hot_log_prob(reward_logits, batch.reward, bins_);
  const auto continue_target = torch::rsub(batch.is_terminal, 1.0);
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

  auto& pass = *pass_;
  pass.start_deter = observation.deter.detach().flatten(0, 1);
  pass.start_stoch = observation.stoch.detach().flatten(0, 1);
  pass.start_continue = continue_target.flatten();
  auto& m = pass.metrics;
  m["loss_model"] = loss.detach();
  m["obs_nll"] = obs_nll.detach().mean();
  m["reward_nll"] = reward_nll.detach().mean();
  m["continue_nll"] = continue_nll.detach().mean();
  m["kl_dyn"] = kl.kl.mean();
  m["kl_rep"] = m["kl_dyn"];  // the same value: KL(post || prior) with the stop-gradient on either side
  m["kl_total"] = kl.loss.detach().mean();
  m["free_bits_applied"] = kl.free_bits_applied;
  m["prior_entropy"] = categorical_entropy(prior_probs.detach()).sum(-1).mean();
  m["posterior_entropy"] = categorical_entropy(post_probs.detach()).sum(-1).mean();
}

// Imagination from every posterior; no gradient flows into the world model.
void DreamerAgent::imagine_returns() {
  const auto& train = options_.train;
  const bool autocast = train.autocast_bf16 && device_.is_cuda();
  auto& pass = *pass_;
  RssmImagination imagination;
  torch::Tensor rewards;
  torch::Tensor values;
  torch::Tensor continues;
  {
    torch::NoGradGuard no_grad;
    AutocastScope scope(autocast);
    imagination = world_model_->rssm()->imagine(actor_, {pass.start_deter, pass.start_stoch}, train.horizon);
    rewards = two_hot_mean(world_model_->reward_head()->forward(imagination.latents), bins_);
    values = two_hot_mean(critic_->forward(imagination.latents), bins_);
    const auto predicted_continue =
        (world_model_->continue_head()->forward(imagination.latents).squeeze(-1) > 0).to(torch::kFloat32);
    continues = torch::cat({pass.start_continue.unsqueeze(0), predicted_continue.slice(0, 1)});
  }
  pass.returns = lambda_returns(rewards, values, continues, train.gamma, train.lambda);
  pass.weight = (torch::cumprod(train.gamma * continues, 0) / train.gamma).slice(0, 0, -1);
  pass.quantiles = return_ema_->quantiles(pass.returns);
  pass.baseline = values.slice(0, 0, -1);
  pass.latents = imagination.latents.slice(0, 0, -1);
  pass.actions = imagination.actions.slice(0, 0, -1);
}

void DreamerAgent::apply_quantile_hook() {
  if (!quantile_hook_) return;
  auto& pass = *pass_;
  torch::Tensor quantiles = pass.quantiles;
  quantile_hook_(quantiles);
  if (quantiles.is_same(pass.quantiles)) return;
  if (graphs_) {
    pass.quantiles.copy_(quantiles);
  } else {
    pass.quantiles = quantiles;
  }
}

// Actor: REINFORCE with entropy bonus.
void DreamerAgent::train_actor() {
  const auto& train = options_.train;
  const bool autocast = train.autocast_bf16 && device_.is_cuda();
  auto& pass = *pass_;
  return_ema_->update(pass.quantiles);
  const auto advantage = (pass.returns - pass.baseline) / return_ema_->scale();
  actor_optimizer_->zero_grad();
  torch::Tensor actor_logits;
  {
    AutocastScope scope(autocast);
    actor_logits = actor_->forward(pass.latents);
  }
  const auto action_probs = unimix_probs(actor_logits, options_.model.unimix);
  const auto log_prob = torch::special::xlogy(pass.actions.detach(), action_probs).sum(-1);
  const auto entropy = categorical_entropy(action_probs);
  const auto loss_actor = -(pass.weight * (log_prob * advantage + train.actor_entropy * entropy)).mean();
  loss_actor.backward();
  auto& m = pass.metrics;
  m["loss_actor"] = loss_actor.detach();
  m["action_entropy"] = entropy.detach().mean();
  m["value_mean"] = pass.baseline.mean();
  m["value_std"] = pass.baseline.std();
  m["adv_mean"] = advantage.mean();
  m["adv_std"] = advantage.std();
}

// Critic: two-hot NLL of the returns plus the slow-critic regulariser.
void DreamerAgent::train_critic() {
  const auto& train = options_.train;
  const bool autocast = train.autocast_bf16 && device_.is_cuda();
  auto& pass = *pass_;
  critic_optimizer_->zero_grad();
  torch::Tensor critic_logits;
  torch::Tensor slow_mean;
  {
    AutocastScope scope(autocast);
    critic_logits = critic_->forward(pass.latents);
    torch::NoGradGuard no_grad;
    slow_mean = two_hot_mean(slow_critic_->forward(pass.latents), bins_);
  }
  const auto critic_nll = -two_hot_log_prob(critic_logits, pass.returns, bins_) -
                          train.slow_critic_reg * two_hot_log_prob(critic_logits, slow_mean, bins_);
  const auto loss_critic = (pass.weight * critic_nll).mean();
  loss_critic.backward();
  pass.metrics["loss_critic"] = loss_critic.detach();
}

void DreamerAgent::update_slow_critic() {
  torch::NoGradGuard no_grad;
  const double rate = options_.train.slow_critic_rate;
  auto source = critic_->parameters();
  auto target = slow_critic_->parameters();
  for (size_t i = 0; i < source.size(); ++i) target[i].mul_(1.0 - rate).add_(source[i], rate);
}

void DreamerAgent::collect_metrics() {
  auto& m = pass_->metrics;
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
  pass_->metric_values = torch::stack(ordered);
}

}  // namespace dreamer::learner
