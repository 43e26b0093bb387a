#pragma once
// The hidden stack shared by Dreamer's MLPs: `layers` times
//   Linear(no bias) -> LayerNorm(eps) -> SiLU
// acting on the last dimension. Output layers belong to the users (heads,
// RSSM), since each initialises its own.
#include <torch/nn/module.h>
#include <torch/nn/modules/container/sequential.h>
#include <torch/nn/pimpl.h>

#include <cereal/cereal.hpp>

namespace dreamer::learner {

struct MlpOptions {
  int input_size = 0;
  int units = 256;
  int layers = 2;
  double layer_norm_eps = 1e-3;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("input_size", input_size), cereal::make_nvp("units", units),
            cereal::make_nvp("layers", layers), cereal::make_nvp("layer_norm_eps", layer_norm_eps));
  }
  int output_size() const { return layers > 0 ? units : input_size; }
  void validate() const;
};

class MlpImpl : public torch::nn::Module {
 public:
  explicit MlpImpl(const MlpOptions& options);
  torch::Tensor forward(const torch::Tensor& x);
  const MlpOptions& options() const { return options_; }

 private:
  MlpOptions options_;
  torch::nn::Sequential layers_;
};
TORCH_MODULE(Mlp);

}  // namespace dreamer::learner
