#pragma once
// GradientAllReduceBuffer: the flat buffer that lets one collective reduce
// all gradients of a model.
//
//   params:  w1 (3x4)      b1 (4)   w2 (4x2)   ...
//   buffer:  [ 12 values | 4     | 8        | ... ]   one contiguous tensor
//
// gather() copies the gradients in (one cat into the kept buffer), the
// backend reduces the buffer in place, scatter() copies the result back (one
// fused multi-tensor copy). The buffer is kept between calls and only
// reallocated when the layout's size, dtype or device changes.
//
// Not thread-safe.
#include <ATen/core/Tensor.h>

#include <vector>

namespace dreamer::learner {

class GradientAllReduceBuffer {
 public:
  // Returns the buffer holding all gradients, in parameter order. Creates
  // zero gradients for parameters without one. Throws dreamer::Error when
  // gradients differ in dtype or device, or there are no parameters.
  at::Tensor& gather(const std::vector<at::Tensor>& parameters);
  // Copies the buffer back into the gradients gather() read.
  void scatter(const std::vector<at::Tensor>& parameters);

 private:
  at::Tensor buffer_;
  std::vector<int64_t> numels_;
};

}  // namespace dreamer::learner
