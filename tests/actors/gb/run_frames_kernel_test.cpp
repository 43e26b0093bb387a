// The CUDA backend runs the same core as the CPU: consoles stepped by
// run_frames_kernel must end bit-identical to the same consoles run on the
// host, observations included. Skips where no GPU is present.
#include <gtest/gtest.h>

#include <cuda_runtime.h>

#include <cstring>
#include <memory>
#include <vector>

#include "actors/gb/cuda/run_frames_kernel.cuh"
#include "actors/gb/emulator.hpp"
#include "common/cuda_check.hpp"
#include "common/packed2.hpp"
#include "tests/actors/gb/test_rom.hpp"

namespace dreamer::gb {
namespace {

// Reads the joypad into WRAM, draws with it (tile data and BGP follow the
// buttons), and halts until the next VBlank:
//   LD A,1; LDH (FF),A; EI; loop: LD A,10; LDH (00),A; LDH A,(00); LD (8000),A;
//   LDH (47),A; LD HL,C000; INC (HL); HALT; JR loop      (0x40: RETI)
Rom joypad_rom() {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes(
      {0x3E, 0x01, 0xE0, 0xFF, 0xFB, 0x3E, 0x10, 0xE0, 0x00, 0xF0, 0x00, 0xEA, 0x00, 0x80,
       0xE0, 0x47, 0x21, 0x00, 0xC0, 0x34, 0x76, 0x18, 0xEE});
  bytes[0x40] = 0xD9;
  std::uint8_t checksum = 0;
  for (std::size_t i = 0x134; i <= 0x14C; ++i) checksum = static_cast<std::uint8_t>(checksum - bytes[i] - 1);
  bytes[0x14D] = checksum;
  return Rom(std::move(bytes), "joypad");
}

TEST(RunFramesKernel, ConsolesEndBitIdenticalToTheCpuRun_CUDA) {
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess || devices == 0) {
    GTEST_SKIP() << "no CUDA device: the GPU/CPU comparison needs a GPU";
  }
  constexpr int kConsoles = 64;
  constexpr int kFrames = 120;
  const Rom rom = joypad_rom();
  std::vector<Console> host(kConsoles);
  std::vector<std::uint8_t> buttons(kConsoles);
  for (int i = 0; i < kConsoles; ++i) {
    power_on(host[i], rom.view());
    buttons[i] = static_cast<std::uint8_t>(i * 37);
  }
  Console* device_consoles = nullptr;
  std::uint8_t* device_rom = nullptr;
  std::uint8_t* device_buttons = nullptr;
  std::uint8_t* device_observations = nullptr;
  DREAMER_CHECK_CUDA(cudaMalloc(&device_consoles, sizeof(Console) * kConsoles));
  DREAMER_CHECK_CUDA(cudaMalloc(&device_rom, rom.view().size));
  DREAMER_CHECK_CUDA(cudaMalloc(&device_buttons, kConsoles));
  DREAMER_CHECK_CUDA(cudaMalloc(&device_observations, kConsoles * packed2::kBytesPerFrame));
  DREAMER_CHECK_CUDA(cudaMemcpy(device_consoles, host.data(), sizeof(Console) * kConsoles, cudaMemcpyHostToDevice));
  DREAMER_CHECK_CUDA(cudaMemcpy(device_rom, rom.view().data, rom.view().size, cudaMemcpyHostToDevice));
  DREAMER_CHECK_CUDA(cudaMemcpy(device_buttons, buttons.data(), kConsoles, cudaMemcpyHostToDevice));
  RomView device_view = rom.view();
  device_view.data = device_rom;
  cuda::launch_run_frames(device_consoles, kConsoles, device_view, device_buttons, device_observations, kFrames,
                          nullptr);
  DREAMER_CHECK_CUDA(cudaDeviceSynchronize());
  std::vector<Console> from_device(kConsoles);
  std::vector<std::uint8_t> device_obs(kConsoles * packed2::kBytesPerFrame);
  DREAMER_CHECK_CUDA(cudaMemcpy(from_device.data(), device_consoles, sizeof(Console) * kConsoles, cudaMemcpyDeviceToHost));
  DREAMER_CHECK_CUDA(cudaMemcpy(device_obs.data(), device_observations, device_obs.size(), cudaMemcpyDeviceToHost));
  cudaFree(device_consoles);
  cudaFree(device_rom);
  cudaFree(device_buttons);
  cudaFree(device_observations);

  std::vector<std::uint8_t> host_obs(kConsoles * packed2::kBytesPerFrame);
  for (int i = 0; i < kConsoles; ++i) {
    set_buttons(host[i], buttons[i]);
    for (int frame = 0; frame < kFrames; ++frame) {
      FrameSink sink;
      if (frame == kFrames - 1) sink.observation = host_obs.data() + i * packed2::kBytesPerFrame;
      run_frame(host[i], rom.view(), sink);
    }
    EXPECT_EQ(std::memcmp(&host[i], &from_device[i], sizeof(Console)), 0) << "console " << i;
  }
  EXPECT_EQ(host_obs, device_obs);
}

}  // namespace
}  // namespace dreamer::gb
