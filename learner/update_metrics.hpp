#pragma once
// Scalars of one update, kept on the device as a single fp32 tensor so that
// an update never waits for the host. The caller reads them once per logging
// interval (read() does one device-to-host copy).
#include <string>
#include <utility>
#include <vector>

#include <torch/types.h>

namespace dreamer::learner {

struct UpdateMetrics {
  torch::Tensor values;  // fp32 [names().size()], same order as names()

  // loss_model, loss_actor, loss_critic, obs_nll, reward_nll, continue_nll,
  // kl_dyn, kl_rep, kl_total, free_bits_applied, prior_entropy,
  // posterior_entropy, action_entropy, value_mean, value_std, adv_mean,
  // adv_std, ret_p05, ret_p95, ret_scale, grad_norm_model, grad_norm_actor,
  // grad_norm_critic. Means over (t, b) or imagined states; kl_dyn and
  // kl_rep are the unclamped KL (equal values), kl_total the scaled,
  // free-bits-clamped KL term of the world-model loss; ret_p05/p95 are the
  // EMA'd quantiles; grad norms are taken before clipping.
  static const std::vector<std::string>& names();
  // Index of `name` in names(); asserts that it exists.
  static size_t index(const std::string& name);

  std::vector<std::pair<std::string, double>> read() const;
  double value(const std::string& name) const;  // one host sync per call
};

}  // namespace dreamer::learner
