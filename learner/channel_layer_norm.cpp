#include "learner/channel_layer_norm.hpp"

#include <torch/torch.h>

namespace dreamer::learner {

ChannelLayerNormImpl::ChannelLayerNormImpl(int64_t channels, double eps) : eps_(eps) {
  weight_ = register_parameter("weight", torch::ones({channels}));
  bias_ = register_parameter("bias", torch::zeros({channels}));
}

torch::Tensor ChannelLayerNormImpl::forward(const torch::Tensor& x) {
  const auto mean = x.mean(1, /*keepdim=*/true);
  const auto centered = x - mean;
  const auto variance = centered.square().mean(1, /*keepdim=*/true);
  return centered * torch::rsqrt(variance + eps_) * weight_.view({1, -1, 1, 1}) + bias_.view({1, -1, 1, 1});
}

}  // namespace dreamer::learner
