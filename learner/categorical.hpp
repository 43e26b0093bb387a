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
#include <torch/types.h>

namespace dreamer::learner {

torch::Tensor unimix_probs(const torch::Tensor& logits, double unimix);

// One-hot sample with straight-through gradient toward `probs`. Draws with
// torch::multinomial on the default generator (deterministic under a seed).
torch::Tensor straight_through_sample(const torch::Tensor& probs);

// One-hot of the argmax (no gradient).
torch::Tensor one_hot_mode(const torch::Tensor& probs);

torch::Tensor categorical_entropy(const torch::Tensor& probs);
torch::Tensor categorical_kl(const torch::Tensor& p, const torch::Tensor& q);

}  // namespace dreamer::learner
