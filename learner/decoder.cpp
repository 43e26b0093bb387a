#include "learner/decoder.hpp"

#include <torch/torch.h>

#include "common/error.hpp"
#include "learner/channel_layer_norm.hpp"
#include "learner/encoder.hpp"

namespace dreamer::learner {

void DecoderOptions::validate() const {
  if (latent_size <= 0) throw ConfigError("decoder.latent_size", "must be > 0");
  if (cnn_multiplier <= 0) throw ConfigError("decoder.cnn_multiplier", "must be > 0");
  if (!(layer_norm_eps > 0.0)) throw ConfigError("decoder.layer_norm_eps", "must be > 0");
}

DecoderImpl::DecoderImpl(const DecoderOptions& options) : options_(options) {
  options_.validate();
  const int64_t m = options_.cnn_multiplier;
  input_ =
      register_module("input", torch::nn::Linear(options_.latent_size, 4 * m * kCnnOutputHeight * kCnnOutputWidth));
  int64_t in = 4 * m;
  for (int stage = kCnnStages - 2; stage >= 0; --stage) {
    const int64_t out = m << stage;
    deconvs_->push_back(
        torch::nn::ConvTranspose2d(torch::nn::ConvTranspose2dOptions(in, out, 4).stride(2).padding(1).bias(false)));
    norms_->push_back(ChannelLayerNorm(out, options_.layer_norm_eps));
    in = out;
  }
  register_module("deconvs", deconvs_);
  register_module("norms", norms_);
  output_ = register_module("output", torch::nn::ConvTranspose2d(
                                          torch::nn::ConvTranspose2dOptions(in, 1, 4).stride(2).padding(1).bias(true)));
}

torch::Tensor DecoderImpl::forward(const torch::Tensor& latent) {
  auto x =
      input_->forward(latent).view({latent.size(0), 4 * options_.cnn_multiplier, kCnnOutputHeight, kCnnOutputWidth});
  for (size_t stage = 0; stage < deconvs_->size(); ++stage) {
    x = deconvs_[stage]->as<torch::nn::ConvTranspose2d>()->forward(x);
    x = torch::silu(norms_[stage]->as<ChannelLayerNorm>()->forward(x));
  }
  return output_->forward(x).squeeze(1);
}

}  // namespace dreamer::learner
