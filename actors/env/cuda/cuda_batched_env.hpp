#pragma once
// CUDA backend of BatchedEnv (see ../batched_env.hpp): one thread per env.
// Consoles (an array of gb::Console), episode state, the ROM, the reset point
// and the goal live in device memory, allocated once; step() and reset() take
// device pointers, enqueue one kernel on the backend's stream and return.
// Kept free of LibTorch and of C++20 so that nvcc compiles it.
#include <memory>

#include "actors/env/batched_env.hpp"

namespace dreamer::env::cuda {

// `task` holds host pointers (Task::view()); everything is copied to the device.
std::unique_ptr<BatchedEnv> make_cuda_batched_env(const TaskView& task, int num_envs, int device);

// Number of CUDA devices the runtime sees (0 without a driver or GPU).
int cuda_device_count();

}  // namespace dreamer::env::cuda
