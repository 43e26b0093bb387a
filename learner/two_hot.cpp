#include "learner/two_hot.hpp"

#include <torch/torch.h>

#include "learner/symlog.hpp"

namespace dreamer::learner {

torch::Tensor make_two_hot_bins(torch::Device device) {
  return torch::linspace(kTwoHotLow, kTwoHotHigh, kTwoHotBins,
                         torch::TensorOptions().dtype(torch::kFloat32).device(device));
}

// below = index of the last bin <= value and above = below + 1, both from one
// binary search (torch::searchsorted counts the bins <= value) and clamped
// to the ends; the two weights are scattered into a zero row. Where below
// and above meet (at the ends or on a bin) each weight is 1/2 and they add
// up to 1.
torch::Tensor two_hot_encode(const torch::Tensor& symlog_value, const torch::Tensor& bins) {
  const auto value = symlog_value.to(torch::kFloat32).contiguous();
  const int64_t num_bins = bins.size(0);
  const auto bins_at_or_below = torch::searchsorted(bins, value, /*out_int32=*/false, /*right=*/true);
  const auto below = (bins_at_or_below - 1).clamp(0, num_bins - 1);
  const auto above = bins_at_or_below.clamp_max(num_bins - 1);
  const auto equal = below == above;
  // searchsorted places a NaN past the last bin, where below == above; its
  // weights must stay NaN (not the last bin's 1/2 + 1/2) so that a NaN
  // reward or return shows in the losses.
  const auto one = torch::where(torch::isnan(value), value, 1.0);
  const auto dist_below = torch::where(equal, one, torch::abs(bins.index({below}) - value));
  const auto dist_above = torch::where(equal, one, torch::abs(bins.index({above}) - value));
  const auto total = dist_below + dist_above;
  auto sizes = value.sizes().vec();
  sizes.push_back(num_bins);
  return torch::zeros(sizes, value.options())
      .scatter_(-1, below.unsqueeze(-1), (dist_above / total).unsqueeze(-1))
      .scatter_add_(-1, above.unsqueeze(-1), (dist_below / total).unsqueeze(-1));
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
