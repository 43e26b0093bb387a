#include "learner/gradient_allreduce_buffer.hpp"

#include <ATen/ATen.h>

#include "common/error.hpp"

namespace dreamer::learner {

at::Tensor& GradientAllReduceBuffer::gather(const std::vector<at::Tensor>& parameters) {
  if (parameters.empty()) throw Error("gradient all-reduce: no parameters given");
  std::vector<at::Tensor> flat_gradients;
  flat_gradients.reserve(parameters.size());
  numels_.clear();
  int64_t total = 0;
  for (size_t i = 0; i < parameters.size(); ++i) {
    at::Tensor parameter = parameters[i];
    if (!parameter.grad().defined()) parameter.mutable_grad() = at::zeros_like(parameter);
    const at::Tensor& gradient = parameter.grad();
    const at::Tensor& first = flat_gradients.empty() ? gradient : flat_gradients.front();
    if (gradient.scalar_type() != first.scalar_type() || gradient.device() != first.device()) {
      throw Error("gradient all-reduce: gradient " + std::to_string(i) + " is " +
                  std::string(c10::toString(gradient.scalar_type())) + " on " + gradient.device().str() +
                  ", gradient 0 is " + std::string(c10::toString(first.scalar_type())) + " on " + first.device().str() +
                  "; all must match");
    }
    flat_gradients.push_back(gradient.reshape({-1}));
    numels_.push_back(gradient.numel());
    total += gradient.numel();
  }
  const at::TensorOptions options = flat_gradients.front().options();
  if (!buffer_.defined() || buffer_.numel() != total || buffer_.scalar_type() != options.dtype().toScalarType() ||
      buffer_.device() != options.device()) {
    buffer_ = at::empty({total}, options);
  }
  at::cat_out(buffer_, flat_gradients, 0);
  return buffer_;
}

void GradientAllReduceBuffer::scatter(const std::vector<at::Tensor>& parameters) {
  DREAMER_ASSERT(parameters.size() == numels_.size(), "scatter() needs the list gather() read");
  std::vector<at::Tensor> gradients;
  std::vector<at::Tensor> pieces;
  gradients.reserve(parameters.size());
  pieces.reserve(parameters.size());
  int64_t offset = 0;
  for (size_t i = 0; i < parameters.size(); ++i) {
    const at::Tensor& gradient = parameters[i].grad();
    pieces.push_back(buffer_.narrow(0, offset, numels_[i]).view(gradient.sizes()));
    gradients.push_back(gradient);
    offset += numels_[i];
  }
  at::_foreach_copy_(gradients, pieces);
}

}  // namespace dreamer::learner
