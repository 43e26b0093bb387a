#pragma once
// MpiGradientAllReducer: the CPU backend of GradientAllReducer. One
// MPI_Allreduce (MPI_SUM, in place) over the flattened float32/float64
// gradients, then a division by the number of learners. Buffers of more
// than 2^30 elements are reduced in 2^30-element pieces (MPI counts are
// int). Never give it CUDA tensors: the MPI builds are not CUDA-aware.
#include "learner/gradient_allreduce.hpp"
#include "learner/gradient_allreduce_buffer.hpp"

namespace dreamer::learner {

class MpiGradientAllReducer final : public GradientAllReducer {
 public:
  // Duplicates `learners` (collective over it).
  explicit MpiGradientAllReducer(MPI_Comm learners);
  ~MpiGradientAllReducer() override;
  MpiGradientAllReducer(const MpiGradientAllReducer&) = delete;
  MpiGradientAllReducer& operator=(const MpiGradientAllReducer&) = delete;

  AllReduceStats average_gradients(const std::vector<at::Tensor>& parameters) override;
  AllReduceBackend backend() const override { return AllReduceBackend::kMpi; }
  const at::Tensor& digest() const override { return buffer_.digest(); }
  int rank() const override { return rank_; }
  int world_size() const override { return world_size_; }

 private:
  MPI_Comm comm_ = MPI_COMM_NULL;
  int rank_ = 0;
  int world_size_ = 1;
  GradientAllReduceBuffer buffer_;
};

}  // namespace dreamer::learner
