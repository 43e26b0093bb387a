#include "learner/layer_norm_gru.hpp"

#include <torch/torch.h>

#include "common/error.hpp"

namespace dreamer::learner {

void LayerNormGruOptions::validate() const {
  if (input_size <= 0) throw ConfigError("gru.input_size", "must be > 0");
  if (hidden_size <= 0) throw ConfigError("gru.hidden_size", "must be > 0");
  if (!(layer_norm_eps > 0.0)) throw ConfigError("gru.layer_norm_eps", "must be > 0");
}

LayerNormGruImpl::LayerNormGruImpl(const LayerNormGruOptions& options) : options_(options) {
  options_.validate();
  linear_ = register_module(
      "linear",
      torch::nn::Linear(
          torch::nn::LinearOptions(options_.hidden_size + options_.input_size, 3 * options_.hidden_size).bias(false)));
  norm_ = register_module(
      "norm",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({3 * options_.hidden_size}).eps(options_.layer_norm_eps)));
}

torch::Tensor LayerNormGruImpl::forward(const torch::Tensor& x, const torch::Tensor& h_prev) {
  const auto gates = norm_->forward(linear_->forward(torch::cat({h_prev, x}, -1)));
  const auto parts = gates.chunk(3, -1);
  const auto reset = torch::sigmoid(parts[0]);
  const auto candidate = torch::tanh(reset * parts[1]);
  const auto update = torch::sigmoid(parts[2] - 1.0);
  // update * candidate + (1 - update) * h_prev as one lerp kernel (was four).
  return torch::lerp(h_prev, candidate, update);
}

}  // namespace dreamer::learner
