#include "learner/encoder.hpp"

#include <torch/torch.h>

#include "common/error.hpp"
#include "learner/channel_layer_norm.hpp"
#include "learner/packed2_unpack.hpp"

namespace dreamer::learner {

void EncoderOptions::validate() const {
  if (cnn_multiplier <= 0) throw ConfigError("encoder.cnn_multiplier", "must be > 0");
  if (!(layer_norm_eps > 0.0)) throw ConfigError("encoder.layer_norm_eps", "must be > 0");
}

EncoderImpl::EncoderImpl(const EncoderOptions& options) : options_(options) {
  options_.validate();
  int64_t in = 1;
  for (int stage = 0; stage < kCnnStages; ++stage) {
    const int64_t out = static_cast<int64_t>(options_.cnn_multiplier) << stage;
    convs_->push_back(torch::nn::Conv2d(torch::nn::Conv2dOptions(in, out, 4).stride(2).padding(1).bias(false)));
    norms_->push_back(ChannelLayerNorm(out, options_.layer_norm_eps));
    in = out;
  }
  register_module("convs", convs_);
  register_module("norms", norms_);
}

torch::Tensor EncoderImpl::forward(const torch::Tensor& packed) {
  return forward_image(packed2_to_image(packed).unsqueeze(1));
}

torch::Tensor EncoderImpl::forward_image(const torch::Tensor& image) {
  auto x = image;
  for (int stage = 0; stage < kCnnStages; ++stage) {
    x = convs_[stage]->as<torch::nn::Conv2d>()->forward(x);
    x = torch::silu(norms_[stage]->as<ChannelLayerNorm>()->forward(x));
  }
  return x.flatten(1);
}

}  // namespace dreamer::learner
