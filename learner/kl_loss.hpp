#pragma once
// The world model's KL term with free bits (Dreamer v3):
//
//   kl_dyn = KL(stopgrad(post) || prior)     trains the prior
//   kl_rep = KL(post || stopgrad(prior))     trains the representation
//   loss   = dyn_scale * max(kl_dyn, free) + rep_scale * max(kl_rep, free)
//
// KLs are summed over the latent variables and classes, one value per (t, b);
// the clamp is applied per element, before any mean. kl_dyn and kl_rep have
// the same value (they differ only in where gradients flow).
#include <torch/types.h>

namespace dreamer::learner {

struct KlLossOptions {
  double dyn_scale = 0.5;
  double rep_scale = 0.1;
  double free_bits = 1.0;
};

struct KlLoss {
  torch::Tensor loss;               // [...] per element, clamped and scaled
  torch::Tensor kl;                 // [...] unclamped KL value (no gradient)
  torch::Tensor free_bits_applied;  // scalar: share of elements with kl < free_bits
};

// post_probs, prior_probs: [..., vars, classes] (unimix probabilities).
KlLoss kl_loss(const torch::Tensor& post_probs, const torch::Tensor& prior_probs, const KlLossOptions& options);

}  // namespace dreamer::learner
