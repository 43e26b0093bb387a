#include "learner/gradient_allreduce_nccl.hpp"

#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <cstdlib>
#include <string>

#include "common/cuda_check.hpp"
#include "common/error.hpp"
#include "common/mpi/mpi_check.hpp"
#include "common/nccl_check.hpp"

namespace dreamer::learner {
namespace {

ncclDataType_t nccl_type_of(const at::Tensor& buffer) {
  switch (buffer.scalar_type()) {
    case at::kFloat:
      return ncclFloat32;
    case at::kDouble:
      return ncclFloat64;
    case at::kBFloat16:
      return ncclBfloat16;
    case at::kHalf:
      return ncclFloat16;
    default:
      throw Error("NCCL gradient all-reduce supports float32/float64/bfloat16/float16 gradients, not " +
                  std::string(c10::toString(buffer.scalar_type())));
  }
}

}  // namespace

NcclGradientAllReducer::NcclGradientAllReducer(MPI_Comm learners, c10::DeviceIndex device_index)
    : device_index_(device_index >= 0 ? device_index : c10::cuda::current_device()) {
  DREAMER_CHECK_MPI(MPI_Comm_rank(learners, &rank_));
  DREAMER_CHECK_MPI(MPI_Comm_size(learners, &world_size_));
  ncclUniqueId id{};
  if (rank_ == 0) DREAMER_CHECK_NCCL(ncclGetUniqueId(&id));
  DREAMER_CHECK_MPI(MPI_Bcast(&id, sizeof(id), MPI_BYTE, 0, learners));
  setenv("NCCL_NVLS_ENABLE", "0", /*overwrite=*/0);
  const c10::cuda::CUDAGuard guard(device_index_);
  DREAMER_CHECK_NCCL(ncclCommInitRank(&comm_, world_size_, id, rank_));
  DREAMER_CHECK_CUDA(cudaEventCreate(&start_));
  DREAMER_CHECK_CUDA(cudaEventCreate(&stop_));
}

NcclGradientAllReducer::~NcclGradientAllReducer() {
  if (start_ != nullptr) cudaEventDestroy(start_);
  if (stop_ != nullptr) cudaEventDestroy(stop_);
  if (comm_ != nullptr) ncclCommDestroy(comm_);
}

AllReduceStats NcclGradientAllReducer::average_gradients(const std::vector<at::Tensor>& parameters) {
  const c10::cuda::CUDAGuard guard(device_index_);
  at::Tensor& buffer = buffer_.gather(parameters);
  if (!buffer.is_cuda() || buffer.device().index() != device_index_) {
    throw Error("NCCL gradient all-reduce on cuda:" + std::to_string(device_index_) + " got gradients on " +
                buffer.device().str());
  }
  const ncclDataType_t type = nccl_type_of(buffer);
  const cudaStream_t stream = c10::cuda::getCurrentCUDAStream(device_index_).stream();
  DREAMER_CHECK_CUDA(cudaEventRecord(start_, stream));
  DREAMER_CHECK_NCCL(ncclAllReduce(buffer.data_ptr(), buffer.data_ptr(), static_cast<size_t>(buffer.numel()), type,
                                   ncclAvg, comm_, stream));
  DREAMER_CHECK_CUDA(cudaEventRecord(stop_, stream));
  buffer_.scatter(parameters);
  DREAMER_CHECK_CUDA(cudaEventSynchronize(stop_));
  float milliseconds = 0.0f;
  DREAMER_CHECK_CUDA(cudaEventElapsedTime(&milliseconds, start_, stop_));
  return AllReduceStats{buffer.numel() * static_cast<int64_t>(buffer.element_size()), milliseconds / 1000.0,
                        world_size_};
}

}  // namespace dreamer::learner
