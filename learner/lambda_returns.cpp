#include "learner/lambda_returns.hpp"

#include <vector>

#include <torch/torch.h>

#include "common/error.hpp"

namespace dreamer::learner {

torch::Tensor lambda_returns(const torch::Tensor& rewards, const torch::Tensor& values, const torch::Tensor& continues,
                             double gamma, double lambda) {
  DREAMER_ASSERT(rewards.sizes() == values.sizes() && values.sizes() == continues.sizes(),
                 "lambda_returns: rewards, values and continues must have one shape");
  const int64_t horizon = rewards.size(0) - 1;
  DREAMER_ASSERT(horizon >= 1, "lambda_returns: need at least two states");
  const auto discounts = gamma * continues.slice(0, 1);
  const auto next_values = values.slice(0, 1);
  const auto base = rewards.slice(0, 1) + discounts * next_values * (1.0 - lambda);
  const auto lambda_discounts = discounts * lambda;  // for all steps at once
  std::vector<torch::Tensor> returns(static_cast<size_t>(horizon));
  torch::Tensor next = values[horizon];
  for (int64_t t = horizon - 1; t >= 0; --t) {
    next = base[t] + lambda_discounts[t] * next;
    returns[static_cast<size_t>(t)] = next;
  }
  return torch::stack(returns);
}

}  // namespace dreamer::learner
