#include "learner/symlog.hpp"

#include <torch/torch.h>

namespace dreamer::learner {

torch::Tensor symlog(const torch::Tensor& x) { return torch::sign(x) * torch::log1p(torch::abs(x)); }

torch::Tensor symexp(const torch::Tensor& x) { return torch::sign(x) * torch::expm1(torch::abs(x)); }

}  // namespace dreamer::learner
