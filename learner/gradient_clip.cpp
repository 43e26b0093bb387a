#include "learner/gradient_clip.hpp"

#include <torch/torch.h>

#include "common/error.hpp"

namespace dreamer::learner {

torch::Tensor clip_gradient_norm(const std::vector<torch::Tensor>& grads, double max_norm) {
  DREAMER_ASSERT(!grads.empty(), "clip_gradient_norm: no gradients");
  // The global L2 norm as the norm of the per-gradient norms: one
  // multi-tensor kernel on CUDA instead of a square and a sum per gradient.
  const auto norm = torch::linalg_vector_norm(torch::stack(torch::_foreach_norm(grads, 2, torch::kFloat32)), 2);
  const auto factor = torch::clamp_max(max_norm / (norm + 1e-6), 1.0);
  torch::NoGradGuard no_grad;
  // One multi-tensor kernel launch on CUDA for gradients of one dtype (on
  // CPU, and for mixed dtypes, a mul_ per gradient).
  torch::_foreach_mul_(grads, factor);
  return norm;
}

}  // namespace dreamer::learner
