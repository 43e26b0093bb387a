#pragma once
// DREAMER_CHECK_NCCL(call): throws dreamer::CallError with the call, NCCL's
// error string and last error, file and line when the call does not return
// ncclSuccess. Only for translation units built with DREAMER_HAS_CUDA.
#include <nccl.h>

#include <string>

#include "common/call_error.hpp"

#define DREAMER_CHECK_NCCL(call)                                                                                     \
  do {                                                                                                               \
    const ncclResult_t dreamer_nccl_rc_ = (call);                                                                    \
    if (dreamer_nccl_rc_ != ncclSuccess)                                                                             \
      ::dreamer::throw_call_error(                                                                                   \
          "NCCL", #call, std::string(ncclGetErrorString(dreamer_nccl_rc_)) + " (" + ncclGetLastError(nullptr) + ")", \
          __FILE__, __LINE__);                                                                                       \
  } while (0)
