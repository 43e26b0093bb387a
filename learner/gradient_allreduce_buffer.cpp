#include "learner/gradient_allreduce_buffer.hpp"

#include <ATen/ATen.h>

#include <algorithm>
#include <string>

#include "common/error.hpp"

namespace dreamer::learner {

at::Tensor& GradientAllReduceBuffer::gather(const std::vector<at::Tensor>& parameters) {
  if (parameters.empty()) throw Error("gradient all-reduce: no parameters given");
  const at::Tensor& first_gradient = parameters.front().grad();
  const at::TensorOptions options = first_gradient.defined() ? first_gradient.options() : parameters.front().options();
  std::vector<at::Tensor> pieces;
  pieces.reserve(parameters.size() + 1);
  std::vector<float> flags;
  flags.reserve(parameters.size());
  numels_.clear();
  missing_.clear();
  gradient_elements_ = 0;
  for (size_t i = 0; i < parameters.size(); ++i) {
    const at::Tensor& gradient = parameters[i].grad();
    const bool missing = !gradient.defined();
    const at::Tensor& reference = missing ? parameters[i] : gradient;
    if (reference.scalar_type() != options.dtype().toScalarType() || reference.device() != options.device()) {
      throw Error("gradient all-reduce: gradient " + std::to_string(i) + " is " +
                  std::string(c10::toString(reference.scalar_type())) + " on " + reference.device().str() +
                  ", gradient 0 is " + std::string(c10::toString(options.dtype().toScalarType())) + " on " +
                  options.device().str() + "; all must match");
    }
    pieces.push_back(missing ? at::zeros({parameters[i].numel()}, options) : gradient.reshape({-1}));
    numels_.push_back(parameters[i].numel());
    missing_.push_back(missing);
    flags.push_back(missing ? 0.0f : 1.0f);
    gradient_elements_ += parameters[i].numel();
  }
  pieces.push_back(at::tensor(flags, at::kFloat).to(options));
  const int64_t total = gradient_elements_ + static_cast<int64_t>(parameters.size());
  if (!buffer_.defined() || buffer_.numel() != total || buffer_.scalar_type() != options.dtype().toScalarType() ||
      buffer_.device() != options.device()) {
    buffer_ = at::empty({total}, options);
  }
  at::cat_out(buffer_, pieces, 0);
  return buffer_;
}

void GradientAllReduceBuffer::scatter(const std::vector<at::Tensor>& parameters) {
  DREAMER_ASSERT(parameters.size() == numels_.size(), "scatter() needs the list gather() read");
  const bool any_missing = std::any_of(missing_.begin(), missing_.end(), [](bool missing) { return missing; });
  // Read back only when needed: for CUDA buffers this waits for the reduction.
  at::Tensor flags;
  if (any_missing) {
    flags = buffer_.narrow(0, gradient_elements_, static_cast<int64_t>(parameters.size())).to(at::kCPU, at::kFloat);
  }
  std::vector<at::Tensor> gradients;
  std::vector<at::Tensor> pieces;
  gradients.reserve(parameters.size());
  pieces.reserve(parameters.size());
  int64_t offset = 0;
  for (size_t i = 0; i < parameters.size(); ++i) {
    at::Tensor piece = buffer_.narrow(0, offset, numels_[i]).view(parameters[i].sizes());
    offset += numels_[i];
    if (!missing_[i]) {
      gradients.push_back(parameters[i].grad());
      pieces.push_back(piece);
    } else if (flags[static_cast<int64_t>(i)].item<float>() > 0.0f) {
      parameters[i].mutable_grad() = piece.clone();
    }
  }
  if (!gradients.empty()) at::_foreach_copy_(gradients, pieces);
  const at::Tensor bits = buffer_.element_size() == 4 ? buffer_.view(at::kInt) : buffer_.view(at::kShort);
  const at::Tensor sum = bits.sum(at::kLong);
  digest_ = digest_.defined() && digest_.device() == sum.device() ? digest_ * 1000003 + sum : sum;
}

}  // namespace dreamer::learner
