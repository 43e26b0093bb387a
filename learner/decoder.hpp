#pragma once
// CNN decoder, the encoder's mirror: latent -> reconstructed image.
//
//   Linear(latent -> 4m * 9 * 10) -> [N, 4m, 9, 10]
//   ConvT(4m -> 2m, k4 s2 p1, no bias) -> LN(channels) -> SiLU      18x20
//   ConvT(2m -> m,  k4 s2 p1, no bias) -> LN(channels) -> SiLU      36x40
//   ConvT(m  -> 1,  k4 s2 p1, bias)                                 72x80
//   -> [N, 72, 80], the mean of a unit MSE distribution over x/3 - 0.5;
//   obs_nll = sum over pixels of (mean - target)^2.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/modules/conv.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cereal/cereal.hpp>

namespace dreamer::learner {

struct DecoderOptions {
  int latent_size = 0;
  int cnn_multiplier = 16;
  double layer_norm_eps = 1e-3;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("latent_size", latent_size), cereal::make_nvp("cnn_multiplier", cnn_multiplier),
            cereal::make_nvp("layer_norm_eps", layer_norm_eps));
  }
  void validate() const;
};

class DecoderImpl : public torch::nn::Module {
 public:
  explicit DecoderImpl(const DecoderOptions& options);
  // latent [N, latent_size] -> image [N, 72, 80].
  torch::Tensor forward(const torch::Tensor& latent);
  torch::nn::ConvTranspose2d& output_layer() { return output_; }
  const DecoderOptions& options() const { return options_; }

 private:
  DecoderOptions options_;
  torch::nn::Linear input_{nullptr};
  torch::nn::ModuleList deconvs_;
  torch::nn::ModuleList norms_;
  torch::nn::ConvTranspose2d output_{nullptr};
};
TORCH_MODULE(Decoder);

}  // namespace dreamer::learner
