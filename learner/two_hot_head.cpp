#include "learner/two_hot_head.hpp"

#include <torch/torch.h>

#include "common/error.hpp"
#include "learner/initialization.hpp"
#include "learner/two_hot.hpp"

namespace dreamer::learner {

void TwoHotHeadOptions::validate() const { MlpOptions{input_size, units, layers, layer_norm_eps}.validate(); }

TwoHotHeadImpl::TwoHotHeadImpl(const TwoHotHeadOptions& options) : options_(options) {
  options_.validate();
  const MlpOptions mlp_options{options_.input_size, options_.units, options_.layers, options_.layer_norm_eps};
  mlp_ = register_module("mlp", Mlp(mlp_options));
  output_ = register_module("output", torch::nn::Linear(mlp_options.output_size(), kTwoHotBins));
  init_dreamer_weights(*this);
  init_uniform_output(*output_, 0.0);
}

torch::Tensor TwoHotHeadImpl::forward(const torch::Tensor& x) { return output_->forward(mlp_->forward(x)); }

}  // namespace dreamer::learner
