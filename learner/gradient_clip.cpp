#include "learner/gradient_clip.hpp"

#include <torch/torch.h>

#include "common/error.hpp"

namespace dreamer::learner {

torch::Tensor clip_gradient_norm(const std::vector<torch::Tensor>& grads, double max_norm) {
  DREAMER_ASSERT(!grads.empty(), "clip_gradient_norm: no gradients");
  std::vector<torch::Tensor> squares;
  squares.reserve(grads.size());
  for (const auto& grad : grads) squares.push_back(grad.to(torch::kFloat32).square().sum());
  const auto norm = torch::stack(squares).sum().sqrt();
  const auto factor = torch::clamp_max(max_norm / (norm + 1e-6), 1.0);
  torch::NoGradGuard no_grad;
  // One multi-tensor kernel launch on CUDA for gradients of one dtype (on
  // CPU, and for mixed dtypes, a mul_ per gradient).
  torch::_foreach_mul_(grads, factor);
  return norm;
}

}  // namespace dreamer::learner
