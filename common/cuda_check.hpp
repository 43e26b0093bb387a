#pragma once
// DREAMER_CHECK_CUDA(call): throws dreamer::CallError with the call, CUDA's
// error name and string, file and line when the call does not return
// cudaSuccess. Only for translation units built with DREAMER_HAS_CUDA.
#include <cuda_runtime_api.h>

#include <string>

#include "common/call_error.hpp"

#define DREAMER_CHECK_CUDA(call)                                                                                   \
  do {                                                                                                             \
    const cudaError_t dreamer_cuda_rc_ = (call);                                                                   \
    if (dreamer_cuda_rc_ != cudaSuccess)                                                                           \
      ::dreamer::throw_call_error(                                                                                 \
          "CUDA", #call,                                                                                           \
          std::string(cudaGetErrorName(dreamer_cuda_rc_)) + ": " + cudaGetErrorString(dreamer_cuda_rc_), __FILE__, \
          __LINE__);                                                                                               \
  } while (0)
