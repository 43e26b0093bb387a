#pragma once
// What the device replay tests share: the GPU check that makes them skip
// (saying so) where the CUDA runtime sees no device.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

namespace dreamer::replay::testing {

inline bool have_gpu() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

// A test's first statement: SKIP_WITHOUT_GPU();
#define SKIP_WITHOUT_GPU() \
  if (!::dreamer::replay::testing::have_gpu()) GTEST_SKIP() << "no CUDA device visible (cudaGetDeviceCount reports 0)"

}  // namespace dreamer::replay::testing
