#include "learner/categorical.hpp"

#include <torch/torch.h>

namespace dreamer::learner {

torch::Tensor unimix_probs(const torch::Tensor& logits, double unimix) {
  const auto probs = torch::softmax(logits.to(torch::kFloat32), -1);
  if (unimix <= 0.0) return probs;
  return (1.0 - unimix) * probs + unimix / static_cast<double>(logits.size(-1));
}

torch::Tensor straight_through_sample(const torch::Tensor& probs, const std::optional<at::Generator>& generator) {
  const int64_t classes = probs.size(-1);
  const auto flat = probs.detach().reshape({-1, classes});
  // What torch::multinomial(flat, 1) draws (its one-sample path: the argmax
  // of probs / Exp(1) noise, the noise from the generator), without
  // its input checks, which cost several kernels and a host read per call.
  const auto noise = torch::empty_like(flat).exponential_(1.0, generator);
  const auto index = (flat / noise).argmax(-1);
  const auto sample = one_hot_float(index, classes, flat.options()).view(probs.sizes());
  // Without autograd (imagination, acting) the straight-through term has no
  // use: return the exact one-hot and skip its two kernels.
  if (!torch::GradMode::is_enabled()) return sample;
  return sample + probs - probs.detach();
}

torch::Tensor one_hot_mode(const torch::Tensor& probs) {
  return one_hot_float(probs.detach().argmax(-1), probs.size(-1), probs.options());
}

torch::Tensor one_hot_float(const torch::Tensor& index, int64_t classes, const torch::TensorOptions& options) {
  auto sizes = index.sizes().vec();
  sizes.push_back(classes);
  return torch::zeros(sizes, options.requires_grad(false)).scatter_(-1, index.unsqueeze(-1), 1.0);
}

torch::Tensor categorical_entropy(const torch::Tensor& probs) { return -torch::special::xlogy(probs, probs).sum(-1); }

torch::Tensor categorical_kl(const torch::Tensor& p, const torch::Tensor& q) {
  return (torch::special::xlogy(p, p) - torch::special::xlogy(p, q)).sum(-1);
}

}  // namespace dreamer::learner
