#pragma once
// NcclGradientAllReducer: the GPU backend of GradientAllReducer. One
// ncclAllReduce with ncclAvg, in place, over the flattened gradients,
// enqueued on torch's current CUDA stream of the reducer's device, so it is
// ordered after the backward pass and before the optimizer step without
// extra synchronisation.
//
// Setup: learner rank 0 creates the ncclUniqueId and broadcasts it with
// MPI_Bcast over the learners' communicator; every learner then calls
// ncclCommInitRank on its device. NCCL_NVLS_ENABLE=0 is put in the
// environment first unless the user set it (NVLink SHARP multicast fails on
// the lent machines).
//
// Timing: CUDA events around the collective; average_gradients() waits for
// the closing event, so the reported seconds are GPU time of this call.
// Only in builds with DREAMER_ENABLE_CUDA.
#include <cuda_runtime_api.h>
#include <nccl.h>

#include "learner/gradient_allreduce.hpp"
#include "learner/gradient_allreduce_buffer.hpp"

namespace dreamer::learner {

class NcclGradientAllReducer final : public GradientAllReducer {
 public:
  // Collective over `learners`: every learner passes its own CUDA device
  // (a negative index means the current device).
  NcclGradientAllReducer(MPI_Comm learners, c10::DeviceIndex device_index);
  ~NcclGradientAllReducer() override;
  NcclGradientAllReducer(const NcclGradientAllReducer&) = delete;
  NcclGradientAllReducer& operator=(const NcclGradientAllReducer&) = delete;

  AllReduceStats average_gradients(const std::vector<at::Tensor>& parameters) override;
  AllReduceBackend backend() const override { return AllReduceBackend::kNccl; }
  const at::Tensor& digest() const override { return buffer_.digest(); }
  int rank() const override { return rank_; }
  int world_size() const override { return world_size_; }

 private:
  c10::DeviceIndex device_index_;
  int rank_ = 0;
  int world_size_ = 1;
  ncclComm_t comm_ = nullptr;
  cudaEvent_t start_ = nullptr;
  cudaEvent_t stop_ = nullptr;
  GradientAllReduceBuffer buffer_;
};

}  // namespace dreamer::learner
