#include "learner/two_hot.hpp"

#include <torch/torch.h>

#include "learner/symlog.hpp"

namespace dreamer::learner {

torch::Tensor make_two_hot_bins(torch::Device device) {
  return torch::linspace(kTwoHotLow, kTwoHotHigh, kTwoHotBins,
                         torch::TensorOptions().dtype(torch::kFloat32).device(device));
}

torch::Tensor two_hot_encode(const torch::Tensor& symlog_value, const torch::Tensor& bins) {
  const auto value = symlog_value.to(torch::kFloat32).unsqueeze(-1);
  const int64_t num_bins = bins.size(0);
  const auto below = ((bins <= value).to(torch::kInt64).sum(-1) - 1).clamp(0, num_bins - 1);
  const auto above = (num_bins - (bins > value).to(torch::kInt64).sum(-1)).clamp(0, num_bins - 1);
  const auto equal = below == above;
  const auto flat_value = value.squeeze(-1);
  const auto one = torch::ones_like(flat_value);
  const auto dist_below = torch::where(equal, one, torch::abs(bins.index({below}) - flat_value));
  const auto dist_above = torch::where(equal, one, torch::abs(bins.index({above}) - flat_value));
  const auto total = dist_below + dist_above;
  const auto weight_below = (dist_above / total).unsqueeze(-1);
  const auto weight_above = (dist_below / total).unsqueeze(-1);
  return torch::one_hot(below, num_bins).to(torch::kFloat32) * weight_below +
         torch::one_hot(above, num_bins).to(torch::kFloat32) * weight_above;
}

torch::Tensor two_hot_log_prob(const torch::Tensor& logits, const torch::Tensor& value, const torch::Tensor& bins) {
  const auto target = two_hot_encode(symlog(value.to(torch::kFloat32)), bins);
  const auto log_probs = torch::log_softmax(logits.to(torch::kFloat32), -1);
  return (target * log_probs).sum(-1);
}

torch::Tensor two_hot_mean(const torch::Tensor& logits, const torch::Tensor& bins) {
  const auto probs = torch::softmax(logits.to(torch::kFloat32), -1);
  return symexp((probs * bins).sum(-1));
}

}  // namespace dreamer::learner
