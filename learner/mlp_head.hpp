#pragma once
// An Mlp followed by its own output layer (submodules "mlp" and "output", as
// checkpoints name them). Two kinds:
//  - two-hot heads, 255 symlog two-hot logits: the reward head, the critic
//    and the slow critic (an EMA copy). The output layer starts at zero, so a
//    fresh head predicts the uniform distribution over the bins (mean 0).
//  - the Bernoulli continue head, one logit: trained on 1 - is_terminal
//    (truncation is not termination); imagination uses its mode (logit > 0).
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include "learner/mlp.hpp"

namespace dreamer::learner {

class MlpHeadImpl : public torch::nn::Module {
 public:
  // output_scale: the uniform init scale of the output layer (0: zeros).
  MlpHeadImpl(const MlpOptions& options, int outputs, double output_scale);
  // x [..., input_size] -> [..., outputs].
  torch::Tensor forward(const torch::Tensor& x);
  const MlpOptions& options() const { return options_; }

 private:
  MlpOptions options_;
  Mlp mlp_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(MlpHead);

MlpHead make_two_hot_head(const MlpOptions& options);   // [..., 255] logits
MlpHead make_continue_head(const MlpOptions& options);  // [..., 1] logit

}  // namespace dreamer::learner
