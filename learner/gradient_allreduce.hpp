#pragma once
// GradientAllReducer: averages the gradients of data-parallel learners.
//
// Every learner computes gradients on its own share of the batch; after
// average_gradients() each parameter's .grad() holds the mean over learners,
// so with equal shares it equals the gradient of the mean loss over the
// whole batch. The backend is picked once, at construction:
//
//   CPU parameters  -> MpiGradientAllReducer   (one MPI_Allreduce SUM, then / n)
//   CUDA parameters -> NcclGradientAllReducer  (one ncclAllReduce ncclAvg on
//                                               torch's current CUDA stream)
//
// Both flatten all gradients into one contiguous buffer so that a step costs
// one collective, not one per parameter (see gradient_allreduce_buffer.hpp).
// Each call reports the bytes reduced and the time spent in the collective,
// from which bus_bytes_per_second() gives the nccl-tests bus bandwidth.
//
// average_gradients() is collective over the learners' communicator: every
// learner must call it with the same parameter list (same order, shapes and
// dtype); it blocks until the reduction is done (for NCCL: until the
// collective has finished on the GPU). Not thread-safe: one thread per
// reducer. Destroy reducers before the MpiSession ends.
#include <mpi.h>

#include <ATen/core/Tensor.h>
#include <c10/core/Device.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

namespace dreamer::learner {

struct AllReduceStats {
  std::int64_t bytes = 0;  // payload of one rank: all gradients + one flag per parameter
  double seconds = 0.0;    // time inside the collective (not flatten/unflatten)
  int world_size = 1;

  // Bus bandwidth as nccl-tests defines it for all-reduce:
  // bytes / seconds * 2 (n - 1) / n. Zero when nothing was timed.
  double bus_bytes_per_second() const;
};

enum class AllReduceBackend { kMpi, kNccl };
std::string_view to_string(AllReduceBackend backend);

class GradientAllReducer {
 public:
  virtual ~GradientAllReducer() = default;

  // Replaces each parameter's gradient by its mean over all learners. A
  // missing gradient counts as zeros; it stays missing when no learner has
  // it and becomes the mean otherwise (see gradient_allreduce_buffer.hpp).
  // Throws dreamer::Error when the gradients do not share one dtype and
  // device, or the dtype has no reduction type in the backend.
  virtual AllReduceStats average_gradients(const std::vector<at::Tensor>& parameters) = 0;

  virtual AllReduceBackend backend() const = 0;
  // Digest of every averaged gradient so far (GradientAllReduceBuffer::digest).
  virtual const at::Tensor& digest() const = 0;
  virtual int rank() const = 0;
  virtual int world_size() const = 0;
};

// `learners` is the communicator of the learner ranks only (it is
// duplicated, so the reducer's traffic cannot mix with the caller's). CUDA
// devices get NCCL, which needs a build with DREAMER_ENABLE_CUDA; CPU gets
// MPI. Collective over `learners`.
std::unique_ptr<GradientAllReducer> make_gradient_all_reducer(MPI_Comm learners, const c10::Device& device);

}  // namespace dreamer::learner
