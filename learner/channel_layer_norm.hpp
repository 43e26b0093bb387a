#pragma once
// LayerNorm over the channel dimension of an NCHW tensor (what sheeprl's
// LayerNormChannelLast computes by permuting to NHWC), written with
// reductions over dim 1 instead of a permute + LayerNorm: with few channels
// and many pixels, torch's LayerNorm kernels spend their time per row and
// are ~6x slower on CPU (backward especially).
//   y = (x - mean_c(x)) / sqrt(var_c(x) + eps) * weight[c] + bias[c]
// Parameters: "weight" (ones) and "bias" (zeros), shape [C].
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

namespace dreamer::learner {

class ChannelLayerNormImpl : public torch::nn::Module {
 public:
  ChannelLayerNormImpl(int64_t channels, double eps);
  // x [N, C, H, W] -> same shape.
  torch::Tensor forward(const torch::Tensor& x);

 private:
  double eps_;
  torch::Tensor weight_;
  torch::Tensor bias_;
};
TORCH_MODULE(ChannelLayerNorm);

}  // namespace dreamer::learner
