#pragma once
// What the device replay tests share: the GPU check that makes them skip
// (saying so) where the CUDA runtime sees no device, and one small ring
// layout (2 writer groups of 2 streams, 40 steps each).
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include "replay/replay_options.hpp"

namespace dreamer::replay::testing {

inline bool have_gpu() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

// A test's first statement: SKIP_WITHOUT_GPU();
#define SKIP_WITHOUT_GPU() \
  if (!::dreamer::replay::testing::have_gpu()) GTEST_SKIP() << "no CUDA device visible (cudaGetDeviceCount reports 0)"

inline ReplayOptions small_device_options() {
  ReplayOptions options;
  options.num_streams = 4;
  options.writer_groups = 2;
  options.capacity = 40;
  options.commit_stride = 4;
  options.safety_margin = 4;
  options.seq_len = 8;
  options.batch_size = 6;
  options.min_size_to_sample = 32;
  options.train_ratio = 4.0;
  options.error_buffer = 64.0;
  return options;
}

}  // namespace dreamer::replay::testing
