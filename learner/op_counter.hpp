#pragma once
// OpCounter: counts the leaf ATen operator calls made while it is alive, on
// every thread (the autograd engine's too), as a host-side proxy for the
// number of kernels an update launches on the GPU.
//
// A call counts when it is a leaf that does work:
//   - a leaf: no operator called from inside it counted (aten::linear, which
//     calls aten::t and aten::addmm, leaves the count to aten::addmm);
//   - doing work: its name is not one of the view, metadata and allocation
//     operators (view, reshape, select, slice, expand, squeeze, t, transpose,
//     as_strided, alias, detach, chunk/split/unbind, empty*, size queries,
//     a no-op `to` or `contiguous`, ...), which launch no kernel.
// An operator whose only inner calls are such no-work operators (e.g.
// aten::native_layer_norm allocating with aten::empty) is still a leaf.
// Autograd's "autograd::engine::evaluate_function: ..." records wrap a
// backward node's operators and never count. A few operators prepare their
// output with an inner call before their own kernel (CPU reductions fill_
// the result, addmm copies the bias, layer norm's backward zeroes its
// buffers): those count once, as themselves, and their inner calls not.
// Converting a wrapped host scalar (the 0.5 of x * 0.5, a 0-dim tensor on
// the host) counts nothing: CUDA kernels take such a scalar as an argument.
//
//   dispatcher call ──> start callback: push a frame on this thread's stack
//                  └──> end callback:   pop; count it if it does work and no
//                                       frame inside it counted; tell the
//                                       parent frame that work happened below
//
// Built on at::addGlobalCallback (RecordFunction, FUNCTION scope only); the
// callback is removed in the destructor. One OpCounter may exist at a time;
// create and destroy it while no operator is running on any thread. Reading
// the counts is thread-safe.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace dreamer::learner {

class OpCounter {
 public:
  OpCounter();
  ~OpCounter();
  OpCounter(const OpCounter&) = delete;
  OpCounter& operator=(const OpCounter&) = delete;

  // Leaf operator calls counted so far.
  int64_t total() const;

  // Counts per operator name (e.g. "aten::addmm"), largest first (ties by
  // name); at most `limit` entries (0: all).
  std::vector<std::pair<std::string, int64_t>> by_name(size_t limit = 0) const;

  // True for operators that never launch work of their own (views, metadata,
  // allocation); exposed for tests.
  static bool is_no_work_operator(const std::string& name);

 private:
  uint64_t handle_ = 0;
};

}  // namespace dreamer::learner
