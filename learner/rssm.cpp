#include "learner/rssm.hpp"

#include <vector>

#include <torch/torch.h>

#include "common/error.hpp"
#include "learner/autocast_scope.hpp"
#include "learner/categorical.hpp"
#include "learner/initialization.hpp"

namespace dreamer::learner {

void RssmOptions::validate() const {
  if (deter <= 0) throw ConfigError("rssm.deter", "must be > 0");
  if (hidden <= 0) throw ConfigError("rssm.hidden", "must be > 0");
  if (stoch_vars <= 0) throw ConfigError("rssm.stoch_vars", "must be > 0");
  if (stoch_classes < 2) throw ConfigError("rssm.stoch_classes", "must be >= 2");
  if (num_actions < 2) throw ConfigError("rssm.num_actions", "must be >= 2");
  if (embed_size <= 0) throw ConfigError("rssm.embed_size", "must be > 0");
  if (!(unimix >= 0.0 && unimix < 1.0)) throw ConfigError("rssm.unimix", "must lie in [0, 1)");
  if (!(layer_norm_eps > 0.0)) throw ConfigError("rssm.layer_norm_eps", "must be > 0");
}

RssmImpl::RssmImpl(const RssmOptions& options) : options_(options) {
  options_.validate();
  initial_deter_ = register_parameter("initial_deter", torch::zeros({options_.deter}));
  input_linear_ = register_module(
      "input_linear",
      torch::nn::Linear(
          torch::nn::LinearOptions(options_.stoch_size() + options_.num_actions, options_.hidden).bias(false)));
  input_norm_ = register_module(
      "input_norm", torch::nn::LayerNorm(torch::nn::LayerNormOptions({options_.hidden}).eps(options_.layer_norm_eps)));
  gru_ = register_module("gru",
                         LayerNormGru(LayerNormGruOptions{options_.hidden, options_.deter, options_.layer_norm_eps}));
  prior_mlp_ =
      register_module("prior_mlp", Mlp(MlpOptions{options_.deter, options_.hidden, 1, options_.layer_norm_eps}));
  prior_output_ = register_module("prior_output", torch::nn::Linear(options_.hidden, options_.stoch_size()));
  posterior_mlp_ = register_module("posterior_mlp", Mlp(MlpOptions{options_.deter + options_.embed_size,
                                                                   options_.hidden, 1, options_.layer_norm_eps}));
  posterior_output_ = register_module("posterior_output", torch::nn::Linear(options_.hidden, options_.stoch_size()));
  init_dreamer_weights(*this);
  init_uniform_output(*prior_output_, 1.0);
  init_uniform_output(*posterior_output_, 1.0);
}

torch::Tensor RssmImpl::logits_view(const torch::Tensor& flat) const {
  auto sizes = flat.sizes().vec();
  sizes.back() = options_.stoch_vars;
  sizes.push_back(options_.stoch_classes);
  return flat.view(sizes);
}

torch::Tensor RssmImpl::prior_logits(const torch::Tensor& deter) {
  return logits_view(prior_output_->forward(prior_mlp_->forward(deter)));
}

torch::Tensor RssmImpl::posterior_logits(const torch::Tensor& deter, const torch::Tensor& embed) {
  return logits_view(
      posterior_output_->forward(posterior_mlp_->forward(torch::cat({deter, embed.to(torch::kFloat32)}, -1))));
}

torch::Tensor RssmImpl::recurrent(const torch::Tensor& deter_prev, const torch::Tensor& stoch_prev,
                                  const torch::Tensor& action_prev) {
  const auto x = torch::silu(
      input_norm_->forward(input_linear_->forward(torch::cat({stoch_prev, action_prev.to(torch::kFloat32)}, -1))));
  return gru_->forward(x, deter_prev);
}

torch::Tensor RssmImpl::latent(const RssmState& state) const { return torch::cat({state.stoch, state.deter}, -1); }

RssmState RssmImpl::initial_state(int64_t batch) {
  AutocastScope fp32(false);
  const auto deter = torch::tanh(initial_deter_).unsqueeze(0);
  const auto stoch = one_hot_mode(prior_logits(deter)).flatten(1);
  return {deter.expand({batch, -1}), stoch.expand({batch, -1})};
}

RssmState RssmImpl::observe_step(const RssmState& previous, const torch::Tensor& action_prev,
                                 const torch::Tensor& embed, const torch::Tensor& is_first, torch::Tensor* post_logits,
                                 const std::optional<at::Generator>& generator) {
  AutocastScope fp32(false);
  const auto first = is_first.to(torch::kBool).view({embed.size(0), 1});
  const auto action = action_prev.to(torch::kFloat32).masked_fill(first, 0.0);
  return step_from(previous, initial_state(embed.size(0)), action, embed, first, post_logits, generator);
}

// torch::where picks the initial state at is_first rows: the values of
// previous * (1 - first) + initial * first (0/1 masks), and its backward
// gives the same gradients, in one operator call instead of three.
RssmState RssmImpl::step_from(const RssmState& previous, const RssmState& initial, const torch::Tensor& action_prev,
                              const torch::Tensor& embed, const torch::Tensor& first, torch::Tensor* post_logits,
                              const std::optional<at::Generator>& generator) {
  torch::Tensor deter_prev = initial.deter;
  torch::Tensor stoch_prev = initial.stoch;
  if (previous.deter.defined()) {
    deter_prev = torch::where(first, initial.deter, previous.deter);
    stoch_prev = torch::where(first, initial.stoch, previous.stoch);
  }
  const auto deter = recurrent(deter_prev, stoch_prev, action_prev);
  const auto logits = posterior_logits(deter, embed);
  const auto stoch = straight_through_sample(unimix_probs(logits, options_.unimix), generator).flatten(-2);
  if (post_logits != nullptr) *post_logits = logits;
  return {deter, stoch};
}

RssmObservation RssmImpl::observe(const torch::Tensor& embed, const torch::Tensor& action_prev,
                                  const torch::Tensor& is_first, const RssmState* start) {
  AutocastScope fp32(false);
  const int64_t steps = embed.size(0);
  std::vector<torch::Tensor> deters;
  std::vector<torch::Tensor> stochs;
  std::vector<torch::Tensor> post_logits;
  deters.reserve(static_cast<size_t>(steps));
  stochs.reserve(static_cast<size_t>(steps));
  post_logits.reserve(static_cast<size_t>(steps));
  RssmState state;
  if (start != nullptr) state = *start;
  const auto initial = initial_state(embed.size(1));
  // Conversions and the is_first masks for all steps at once.
  const auto embeds = embed.to(torch::kFloat32);
  const auto first = is_first.to(torch::kBool).unsqueeze(-1);  // [T, B, 1]
  const auto actions = action_prev.to(torch::kFloat32).masked_fill(first, 0.0);
  for (int64_t t = 0; t < steps; ++t) {
    torch::Tensor logits;
    state = step_from(state, initial, actions[t], embeds[t], first[t], &logits);
    deters.push_back(state.deter);
    stochs.push_back(state.stoch);
    post_logits.push_back(logits);
  }
  RssmObservation result;
  result.deter = torch::stack(deters);
  result.stoch = torch::stack(stochs);
  result.post_logits = torch::stack(post_logits);
  result.prior_logits = prior_logits(result.deter);
  result.last = state;
  return result;
}

RssmImagination RssmImpl::imagine(Actor& actor, const RssmState& start, int horizon) {
  AutocastScope fp32(false);
  std::vector<torch::Tensor> latents;
  std::vector<torch::Tensor> actions;
  latents.reserve(static_cast<size_t>(horizon) + 1);
  actions.reserve(static_cast<size_t>(horizon) + 1);
  RssmState state = start;
  for (int step = 0; step <= horizon; ++step) {
    const auto current = latent(state);
    const auto action = actor->sample(current.detach());
    latents.push_back(current);
    actions.push_back(action);
    if (step == horizon) break;
    const auto deter = recurrent(state.deter, state.stoch, action);
    const auto stoch = straight_through_sample(unimix_probs(prior_logits(deter), options_.unimix)).flatten(-2);
    state = {deter, stoch};
  }
  return {torch::stack(latents), torch::stack(actions)};
}

}  // namespace dreamer::learner
