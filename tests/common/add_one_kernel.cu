#include "add_one_kernel.hpp"

#include "common/cuda_check.hpp"

namespace dreamer::testing {
namespace {

__global__ void add_one(float* data, int count) {
  const int index = static_cast<int>(blockIdx.x * blockDim.x + threadIdx.x);
  if (index >= count) return;
  data[index] += 1.0f;
}

}  // namespace

void launch_add_one(float* data, int count, cudaStream_t stream) {
  constexpr int kThreads = 256;
  add_one<<<(count + kThreads - 1) / kThreads, kThreads, 0, stream>>>(data, count);
  DREAMER_CHECK_CUDA(cudaGetLastError());
}

}  // namespace dreamer::testing
