#pragma once
// DREAMER_HD marks small stateless functions that compile both for the host
// and, under nvcc, for the device. It is empty in host-only translation units,
// so one source serves the CPU build and the CUDA kernels.
//
// DREAMER_HD_INLINE: tiny hot helpers, force-inlined everywhere.
// DREAMER_HD_NOINLINE: large header-defined functions (instruction decoder,
// PPU events, scanline renderer). On the host they are ordinary inline
// functions (the compiler decides); on the device they stay real calls,
// because inlining them into every memory access makes nvcc's code size and
// compile time explode.
#if defined(__CUDACC__)
#define DREAMER_HD __host__ __device__
#define DREAMER_HD_INLINE __host__ __device__ __forceinline__
#if defined(__CUDA_ARCH__)
#define DREAMER_HD_NOINLINE __host__ __device__ __noinline__ inline
#else
#define DREAMER_HD_NOINLINE __host__ __device__ inline
#endif
#else
#define DREAMER_HD
#define DREAMER_HD_INLINE inline __attribute__((always_inline))
#define DREAMER_HD_NOINLINE inline
#endif
