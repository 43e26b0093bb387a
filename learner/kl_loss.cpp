#include "learner/kl_loss.hpp"

#include <torch/torch.h>

#include "learner/categorical.hpp"

namespace dreamer::learner {

KlLoss kl_loss(const torch::Tensor& post_probs, const torch::Tensor& prior_probs, const KlLossOptions& options) {
  const auto kl_dyn = categorical_kl(post_probs.detach(), prior_probs).sum(-1);
  const auto kl_rep = categorical_kl(post_probs, prior_probs.detach()).sum(-1);
  KlLoss result;
  result.loss = options.dyn_scale * torch::clamp_min(kl_dyn, options.free_bits) +
                options.rep_scale * torch::clamp_min(kl_rep, options.free_bits);
  result.kl = kl_dyn.detach();
  result.free_bits_applied = (result.kl < options.free_bits).to(torch::kFloat32).mean();
  return result;
}

}  // namespace dreamer::learner
