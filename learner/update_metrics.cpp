#include "learner/update_metrics.hpp"

#include <algorithm>

#include <torch/torch.h>

#include "common/error.hpp"

namespace dreamer::learner {

const std::vector<std::string>& UpdateMetrics::names() {
  static const std::vector<std::string> kNames = {
      "loss_model",     "loss_actor", "loss_critic",     "obs_nll",           "reward_nll",      "continue_nll",
      "kl_dyn",         "kl_rep",     "kl_total",        "free_bits_applied", "prior_entropy",   "posterior_entropy",
      "action_entropy", "value_mean", "value_std",       "adv_mean",          "adv_std",         "ret_p05",
      "ret_p95",        "ret_scale",  "grad_norm_model", "grad_norm_actor",   "grad_norm_critic"};
  return kNames;
}

size_t UpdateMetrics::index(const std::string& name) {
  const auto& all = names();
  const auto it = std::find(all.begin(), all.end(), name);
  DREAMER_ASSERT(it != all.end(), "unknown metric '" + name + "'");
  return static_cast<size_t>(it - all.begin());
}

std::vector<std::pair<std::string, double>> UpdateMetrics::read() const {
  const auto host = values.detach().to(torch::kCPU, torch::kFloat64).contiguous();
  const auto* data = host.data_ptr<double>();
  std::vector<std::pair<std::string, double>> result;
  result.reserve(names().size());
  for (size_t i = 0; i < names().size(); ++i) result.emplace_back(names()[i], data[i]);
  return result;
}

double UpdateMetrics::value(const std::string& name) const {
  return values[static_cast<int64_t>(index(name))].item<double>();
}

}  // namespace dreamer::learner
