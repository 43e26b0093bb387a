#include "learner/continue_head.hpp"

#include <torch/torch.h>

#include "learner/initialization.hpp"

namespace dreamer::learner {

void ContinueHeadOptions::validate() const { MlpOptions{input_size, units, layers, layer_norm_eps}.validate(); }

ContinueHeadImpl::ContinueHeadImpl(const ContinueHeadOptions& options) : options_(options) {
  options_.validate();
  const MlpOptions mlp_options{options_.input_size, options_.units, options_.layers, options_.layer_norm_eps};
  mlp_ = register_module("mlp", Mlp(mlp_options));
  output_ = register_module("output", torch::nn::Linear(mlp_options.output_size(), 1));
  init_dreamer_weights(*this);
  init_uniform_output(*output_, 1.0);
}

torch::Tensor ContinueHeadImpl::forward(const torch::Tensor& x) {
  return output_->forward(mlp_->forward(x)).squeeze(-1);
}

}  // namespace dreamer::learner
