#include "actors/gb/cuda/run_frames_kernel.cuh"

#include "actors/gb/emulator.hpp"
#include "common/cuda_check.hpp"
#include "common/packed2.hpp"

namespace dreamer::gb::cuda {
namespace {

constexpr int kThreadsPerBlock = 64;

__global__ void __launch_bounds__(kThreadsPerBlock)
    run_frames_kernel(Console* consoles, int console_count, RomView rom, const std::uint8_t* buttons,
                      std::uint8_t* observations, int frames) {
  const int index = blockIdx.x * blockDim.x + threadIdx.x;
  if (index >= console_count) return;
  Console& console = consoles[index];
  set_buttons(console, buttons == nullptr ? 0 : buttons[index]);
  for (int frame = 0; frame < frames; ++frame) {
    FrameSink sink;
    if (observations != nullptr && frame == frames - 1) {
      sink.observation = observations + static_cast<std::size_t>(index) * packed2::kBytesPerFrame;
    }
    run_frame(console, rom, sink);
  }
}

}  // namespace

void launch_run_frames(Console* consoles, int console_count, RomView rom, const std::uint8_t* buttons,
                       std::uint8_t* observations, int frames, cudaStream_t stream) {
  if (console_count <= 0) return;
  const int blocks = (console_count + kThreadsPerBlock - 1) / kThreadsPerBlock;
  run_frames_kernel<<<blocks, kThreadsPerBlock, 0, stream>>>(consoles, console_count, rom, buttons,
                                                             observations, frames);
  DREAMER_CHECK_CUDA(cudaGetLastError());
}

}  // namespace dreamer::gb::cuda
