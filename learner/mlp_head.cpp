#include "learner/mlp_head.hpp"

#include <torch/torch.h>

#include "learner/initialization.hpp"
#include "learner/two_hot.hpp"

namespace dreamer::learner {

MlpHeadImpl::MlpHeadImpl(const MlpOptions& options, int outputs, double output_scale) : options_(options) {
  options_.validate();
  mlp_ = register_module("mlp", Mlp(options_));
  output_ = register_module("output", torch::nn::Linear(options_.output_size(), outputs));
  init_dreamer_weights(*this);
  init_uniform_output(*output_, output_scale);
}

torch::Tensor MlpHeadImpl::forward(const torch::Tensor& x) { return output_->forward(mlp_->forward(x)); }

MlpHead make_two_hot_head(const MlpOptions& options) { return MlpHead(options, kTwoHotBins, 0.0); }

MlpHead make_continue_head(const MlpOptions& options) { return MlpHead(options, 1, 1.0); }

}  // namespace dreamer::learner
