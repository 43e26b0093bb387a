#pragma once
// The LayerNorm GRU cell of Dreamer v3 (sheeprl's LayerNormGRUCell):
//
//   g = LN(Linear_nobias(concat(h_prev, x)))        [3 * hidden]
//   reset, cand, update = split(g, 3)
//   reset  = sigmoid(reset)
//   cand   = tanh(reset * cand)
//   update = sigmoid(update - 1)
//   h      = update * cand + (1 - update) * h_prev
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <cereal/cereal.hpp>

namespace dreamer::learner {

struct LayerNormGruOptions {
  int input_size = 0;
  int hidden_size = 0;
  double layer_norm_eps = 1e-3;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("input_size", input_size), cereal::make_nvp("hidden_size", hidden_size),
            cereal::make_nvp("layer_norm_eps", layer_norm_eps));
  }
  void validate() const;
};

class LayerNormGruImpl : public torch::nn::Module {
 public:
  explicit LayerNormGruImpl(const LayerNormGruOptions& options);
  // x [N, input_size], h_prev [N, hidden_size] -> h [N, hidden_size].
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& h_prev);
  const LayerNormGruOptions& options() const { return options_; }

 private:
  LayerNormGruOptions options_;
  torch::nn::Linear linear_{nullptr};
  torch::nn::LayerNorm norm_{nullptr};
};
TORCH_MODULE(LayerNormGru);

}  // namespace dreamer::learner
