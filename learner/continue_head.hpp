#pragma once
// Bernoulli continue head: MLP -> one logit. Trained on 1 - is_terminal
// (truncation is not termination); imagination uses its mode (logit > 0).
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cereal/cereal.hpp>

#include "learner/mlp.hpp"

namespace dreamer::learner {

struct ContinueHeadOptions {
  int input_size = 0;
  int units = 256;
  int layers = 2;
  double layer_norm_eps = 1e-3;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("input_size", input_size), cereal::make_nvp("units", units),
            cereal::make_nvp("layers", layers), cereal::make_nvp("layer_norm_eps", layer_norm_eps));
  }
  void validate() const;
};

class ContinueHeadImpl : public torch::nn::Module {
 public:
  explicit ContinueHeadImpl(const ContinueHeadOptions& options);
  // x [..., input_size] -> logit [...].
  torch::Tensor forward(const torch::Tensor& x);
  const ContinueHeadOptions& options() const { return options_; }

 private:
  ContinueHeadOptions options_;
  Mlp mlp_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(ContinueHead);

}  // namespace dreamer::learner
