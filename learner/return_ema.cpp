#include "learner/return_ema.hpp"

#include <torch/torch.h>

#include "common/error.hpp"

namespace dreamer::learner {

void ReturnEmaOptions::validate() const {
  if (!(decay >= 0.0 && decay <= 1.0)) throw ConfigError("return_ema.decay", "must lie in [0, 1]");
  if (!(low_percentile >= 0.0 && low_percentile < high_percentile && high_percentile <= 1.0)) {
    throw ConfigError("return_ema.high_percentile", "need 0 <= low < high <= 1");
  }
  if (!(max_scale > 0.0)) throw ConfigError("return_ema.max_scale", "must be > 0");
}

ReturnEmaImpl::ReturnEmaImpl(const ReturnEmaOptions& options) : options_(options) {
  options_.validate();
  low_ = register_buffer("low", torch::zeros({}, torch::kFloat32));
  high_ = register_buffer("high", torch::zeros({}, torch::kFloat32));
}

torch::Tensor ReturnEmaImpl::quantiles(const torch::Tensor& returns) const {
  const auto flat = returns.detach().to(torch::kFloat32).flatten();
  // Filled on the device: a tensor built from host values would be a
  // host-to-device copy, which CUDA graph capture does not allow.
  auto q = torch::empty({2}, flat.options());
  q[0].fill_(options_.low_percentile);
  q[1].fill_(options_.high_percentile);
  return torch::quantile(flat, q);
}

void ReturnEmaImpl::update(const torch::Tensor& quantiles) {
  torch::NoGradGuard no_grad;
  const auto q = quantiles.to(low_.options());
  low_.mul_(options_.decay).add_(q[0] * (1.0 - options_.decay));
  high_.mul_(options_.decay).add_(q[1] * (1.0 - options_.decay));
}

torch::Tensor ReturnEmaImpl::scale() const { return torch::clamp_min(high_ - low_, options_.max_scale); }

}  // namespace dreamer::learner
