#include "learner/mlp.hpp"

#include <torch/torch.h>

#include "common/error.hpp"

namespace dreamer::learner {

void MlpOptions::validate() const {
  if (input_size <= 0) throw ConfigError("mlp.input_size", "must be > 0");
  if (units <= 0) throw ConfigError("mlp.units", "must be > 0");
  if (layers < 0) throw ConfigError("mlp.layers", "must be >= 0");
  if (!(layer_norm_eps > 0.0)) throw ConfigError("mlp.layer_norm_eps", "must be > 0");
}

MlpImpl::MlpImpl(const MlpOptions& options) : options_(options) {
  options_.validate();
  int64_t in = options_.input_size;
  for (int i = 0; i < options_.layers; ++i) {
    layers_->push_back(torch::nn::Linear(torch::nn::LinearOptions(in, options_.units).bias(false)));
    layers_->push_back(
        torch::nn::LayerNorm(torch::nn::LayerNormOptions({options_.units}).eps(options_.layer_norm_eps)));
    layers_->push_back(torch::nn::SiLU());
    in = options_.units;
  }
  register_module("layers", layers_);
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x) {
  if (options_.layers == 0) return x;
  return layers_->forward(x);
}

}  // namespace dreamer::learner
