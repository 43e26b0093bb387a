#include "learner/actor.hpp"

#include <torch/torch.h>

#include "common/error.hpp"
#include "learner/categorical.hpp"
#include "learner/initialization.hpp"

namespace dreamer::learner {

void ActorOptions::validate() const {
  MlpOptions{input_size, units, layers, layer_norm_eps}.validate();
  if (num_actions < 2) throw ConfigError("actor.num_actions", "must be >= 2");
  if (!(unimix >= 0.0 && unimix < 1.0)) throw ConfigError("actor.unimix", "must lie in [0, 1)");
}

ActorImpl::ActorImpl(const ActorOptions& options) : options_(options) {
  options_.validate();
  const MlpOptions mlp_options{options_.input_size, options_.units, options_.layers, options_.layer_norm_eps};
  mlp_ = register_module("mlp", Mlp(mlp_options));
  output_ = register_module("output", torch::nn::Linear(mlp_options.output_size(), options_.num_actions));
  init_dreamer_weights(*this);
  init_uniform_output(*output_, 1.0);
}

torch::Tensor ActorImpl::forward(const torch::Tensor& latent) { return output_->forward(mlp_->forward(latent)); }

torch::Tensor ActorImpl::probs(const torch::Tensor& latent) { return unimix_probs(forward(latent), options_.unimix); }

torch::Tensor ActorImpl::sample(const torch::Tensor& latent, const std::optional<at::Generator>& generator) {
  return straight_through_sample(probs(latent), generator);
}

torch::Tensor ActorImpl::greedy(const torch::Tensor& latent) { return forward(latent).argmax(-1); }

}  // namespace dreamer::learner
