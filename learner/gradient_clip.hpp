#pragma once
// Global-norm gradient clipping without a host sync: the total norm stays a
// device tensor (returned for metrics), and the clip factor
// min(1, max_norm / (norm + 1e-6)) is applied in place to every gradient.
#include <vector>

#include <torch/types.h>

namespace dreamer::learner {

// grads: defined gradient tensors, scaled in place. Returns the norm before
// clipping (fp32 scalar on the gradients' device).
torch::Tensor clip_gradient_norm(const std::vector<torch::Tensor>& grads, double max_norm);

}  // namespace dreamer::learner
