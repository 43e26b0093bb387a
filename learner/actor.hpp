#pragma once
// Discrete actor: MLP -> num_actions logits, 1% unimix. Samples are one-hot
// with straight-through gradients; greedy actions are the argmax. The actor
// is trained with REINFORCE (log pi(a) * advantage), so imagination needs no
// gradient through the sample.
#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/pimpl.h>

#include <cereal/cereal.hpp>
#include <optional>

#include "learner/mlp.hpp"

namespace dreamer::learner {

struct ActorOptions {
  int input_size = 0;
  int units = 256;
  int layers = 2;
  int num_actions = 8;
  double unimix = 0.01;
  double layer_norm_eps = 1e-3;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("input_size", input_size), cereal::make_nvp("units", units),
            cereal::make_nvp("layers", layers), cereal::make_nvp("num_actions", num_actions),
            cereal::make_nvp("unimix", unimix), cereal::make_nvp("layer_norm_eps", layer_norm_eps));
  }
  void validate() const;
};

class ActorImpl : public torch::nn::Module {
 public:
  explicit ActorImpl(const ActorOptions& options);
  // latent [..., input_size] -> logits [..., num_actions].
  torch::Tensor forward(const torch::Tensor& latent);
  // Unimix probabilities [..., num_actions].
  torch::Tensor probs(const torch::Tensor& latent);
  // One-hot sample (straight-through) [..., num_actions], drawn from
  // `generator` or else the default generator.
  torch::Tensor sample(const torch::Tensor& latent, const std::optional<at::Generator>& generator = std::nullopt);
  // Argmax action indices [...] (int64).
  torch::Tensor greedy(const torch::Tensor& latent);
  const ActorOptions& options() const { return options_; }

 private:
  ActorOptions options_;
  Mlp mlp_{nullptr};
  torch::nn::Linear output_{nullptr};
};
TORCH_MODULE(Actor);

}  // namespace dreamer::learner
