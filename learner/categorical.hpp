#pragma once
// Categorical helpers for the discrete latents (32 variables x 32 classes)
// and the actor (8 actions). Every function acts on the last dimension
// (classes); leading dimensions are batch/variable dimensions.
//
//   unimix:   p = (1 - u) * softmax(logits) + u / K     (u = 0.01)
//   sample:   one_hot(draw ~ p) + p - stopgrad(p)       (straight-through)
//   entropy:  -sum_k p_k ln p_k
//   kl(p, q): sum_k p_k (ln p_k - ln q_k)
// Entropy and KL use xlogy so that a zero probability contributes 0.
#include <ATen/core/Generator.h>
#include <torch/types.h>

#include <optional>

namespace dreamer::learner {

torch::Tensor unimix_probs(const torch::Tensor& logits, double unimix);

// One-hot sample with straight-through gradient toward `probs` (with grad
// mode off: the exact one-hot, since there is no gradient to route). Draws as
// torch::multinomial(probs, 1) does, from `generator` or else the default
// generator (deterministic under a seed), but does not check that `probs` is
// a valid distribution (finite, non-negative).
torch::Tensor straight_through_sample(const torch::Tensor& probs,
                                      const std::optional<at::Generator>& generator = std::nullopt);

// One-hot of the argmax (no gradient).
torch::Tensor one_hot_mode(const torch::Tensor& probs);

// One-hot rows of int64 class indices as `options` (float) tensors,
// [..., classes]: zeros, then one scatter of 1. Equals
// torch::one_hot(index, classes).to(dtype) but is two operator calls instead
// of four on CUDA (the int64 one-hot needs a copy to float) and six on CPU
// (torch::one_hot checks the index range there with a min and a max read on
// the host). Out-of-range indices fail in scatter_ (CPU) or with a device
// assert (CUDA).
torch::Tensor one_hot_float(const torch::Tensor& index, int64_t classes, const torch::TensorOptions& options);

torch::Tensor categorical_entropy(const torch::Tensor& probs);
torch::Tensor categorical_kl(const torch::Tensor& p, const torch::Tensor& q);

}  // namespace dreamer::learner
