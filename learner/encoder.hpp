#pragma once
// CNN encoder: packed2 observations -> embedding.
//
//   packed2 uint8 [N, 72, 20] --unpack on device--> [N, 1, 72, 80] in x/3 - 0.5
//   3 stages: Conv(k4, s2, p1, no bias) -> LayerNorm over channels -> SiLU
//     channels m, 2m, 4m (m = cnn_multiplier):  72x80 -> 36x40 -> 18x20 -> 9x10
//   flatten -> [N, 4m * 9 * 10]   (m = 16: 5760)
#include <torch/nn/module.h>
#include <torch/nn/modules/container/modulelist.h>
#include <torch/nn/pimpl.h>

#include <cereal/cereal.hpp>

namespace dreamer::learner {

inline constexpr int kCnnStages = 3;
inline constexpr int kCnnOutputHeight = 9;  // 72 / 2^3
inline constexpr int kCnnOutputWidth = 10;  // 80 / 2^3

struct EncoderOptions {
  int cnn_multiplier = 16;
  double layer_norm_eps = 1e-3;

  int embed_size() const { return 4 * cnn_multiplier * kCnnOutputHeight * kCnnOutputWidth; }

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("cnn_multiplier", cnn_multiplier), cereal::make_nvp("layer_norm_eps", layer_norm_eps));
  }
  void validate() const;
};

class EncoderImpl : public torch::nn::Module {
 public:
  explicit EncoderImpl(const EncoderOptions& options);
  // packed uint8 [N, 72, 20] -> [N, embed_size].
  torch::Tensor forward(const torch::Tensor& packed);
  // image float [N, 1, 72, 80] (already x/3 - 0.5) -> [N, embed_size].
  torch::Tensor forward_image(const torch::Tensor& image);
  const EncoderOptions& options() const { return options_; }

 private:
  EncoderOptions options_;
  torch::nn::ModuleList convs_;
  torch::nn::ModuleList norms_;
};
TORCH_MODULE(Encoder);

}  // namespace dreamer::learner
