#pragma once
// A trivial kernel for the activity-trace tests: data[i] += 1 for i < count.
#include <cuda_runtime_api.h>

namespace dreamer::testing {

// Enqueues one kernel launch on `stream`; checks the launch.
void launch_add_one(float* data, int count, cudaStream_t stream);

}  // namespace dreamer::testing
