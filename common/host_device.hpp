#pragma once
// DREAMER_HD marks small stateless functions that compile both for the host
// and, under nvcc, for the device. It is empty in host-only translation units,
// so one source serves the CPU build and the CUDA kernels.
#if defined(__CUDACC__)
#define DREAMER_HD __host__ __device__
#define DREAMER_HD_INLINE __host__ __device__ __forceinline__
#else
#define DREAMER_HD
#define DREAMER_HD_INLINE inline
#endif
