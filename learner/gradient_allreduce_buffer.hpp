#pragma once
// GradientAllReduceBuffer: the flat buffer that lets one collective reduce
// all gradients of a model.
//
//   params:  w1 (3x4)      b1 (4)   w2 (4x2)   ...   defined-flags (one per param)
//   buffer:  [ 12 values | 4     | 8        | ... | 1 1 0 ... ]   one contiguous tensor
//
// gather() copies the gradients in (one cat into the kept buffer), the
// backend averages the buffer in place, scatter() copies the result back (one
// fused multi-tensor copy). The buffer is kept between calls and only
// reallocated when its size, dtype or device changes.
//
// Every parameter has its slot whether or not it has a gradient on this rank,
// so all ranks reduce the same layout even when one of them did not use a
// parameter. A missing gradient contributes zeros and a 0 flag; after the
// reduction it stays missing when no rank had it (as in a single process,
// Adam then skips the parameter) and becomes the average otherwise.
//
// Not thread-safe.
#include <ATen/core/Tensor.h>

#include <cstdint>
#include <vector>

namespace dreamer::learner {

class GradientAllReduceBuffer {
 public:
  // Returns the buffer holding all gradients and the flags, in parameter
  // order. Throws dreamer::Error when gradients (or, where a gradient is
  // missing, parameters) differ in dtype or device, or there are no
  // parameters.
  at::Tensor& gather(const std::vector<at::Tensor>& parameters);
  // Copies the reduced buffer back into the gradients of the parameters
  // gather() read.
  void scatter(const std::vector<at::Tensor>& parameters);
  // A running digest of every reduced buffer: the exact int64 sum of its bit
  // patterns, chained over scatter() calls, kept on the buffer's device (no
  // host sync). Learners that applied the same averaged gradients at every
  // update hold the same digest; undefined before the first scatter().
  const at::Tensor& digest() const { return digest_; }

 private:
  at::Tensor buffer_;
  at::Tensor digest_;
  std::vector<int64_t> numels_;
  std::vector<bool> missing_;  // per parameter: no gradient on this rank at gather()
  int64_t gradient_elements_ = 0;
};

}  // namespace dreamer::learner
