#pragma once
// MLP head with 255 symlog two-hot logits: the reward head and the critic
// (and the slow critic, an EMA copy). Its output layer starts at zero, so a
// fresh head predicts the uniform distribution over the bins (mean 0).
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cereal/cereal.hpp>

#include "learner/mlp.hpp"

namespace dreamer::learner {

struct TwoHotHeadOptions {
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

class TwoHotHeadImpl : public torch::nn::Module {
 public:
  explicit TwoHotHeadImpl(const TwoHotHeadOptions& options);
  // x [..., input_size] -> logits [..., 255].
  torch::Tensor forward(const torch::Tensor& x);
  const TwoHotHeadOptions& options() const { return options_; }

 private:
  TwoHotHeadOptions options_;
  Mlp mlp_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(TwoHotHead);

// The critic and slow critic are two-hot heads over the latent.
using Critic = TwoHotHead;
using CriticImpl = TwoHotHeadImpl;

}  // namespace dreamer::learner
