#pragma once
// CUDA backend of the core: one thread runs one console for n frames.
// Consoles live in a device array; the ROM is one device copy shared by all.
// Observations (packed2, 1440 bytes per console) are written for the last
// frame only when observations is non-null.
#include <cstdint>

#include <cuda_runtime.h>

#include "actors/gb/console.hpp"

namespace dreamer::gb::cuda {

// Launches run_frames_kernel on stream; rom.data must point to device memory.
void launch_run_frames(Console* consoles, int console_count, RomView rom, const std::uint8_t* buttons,
                       std::uint8_t* observations, int frames, cudaStream_t stream);

}  // namespace dreamer::gb::cuda
