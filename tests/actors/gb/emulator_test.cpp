// Frame API: HALT fast-forward is exact (same state as stepping every
// M-cycle), frames without a sink render nothing.
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <vector>

#include "actors/gb/emulator.hpp"
#include "common/packed2.hpp"
#include "tests/actors/gb/test_rom.hpp"

namespace dreamer::gb {
namespace {

Rom halting_rom() { return test::interrupt_loop_rom(0x04, "halting"); }

TEST(HaltFastForward, ReachesExactlyTheStateOfSteppingEveryMachineCycle) {
  const Rom rom = halting_rom();
  auto fast = std::make_unique<Console>();
  auto slow = std::make_unique<Console>();
  power_on(*fast, rom.view());
  power_on(*slow, rom.view());
  for (int frame = 0; frame < 20; ++frame) {
    run_frame(*fast, rom.view(), FrameSink{});
    // The same loop as run_frame, without the fast-forward.
    Bus bus{*slow, rom.view(), nullptr};
    slow->ppu.frame_done = 0;
    while (!slow->ppu.frame_done) cpu_step(bus);
    ++slow->counters.frames;
  }
  EXPECT_GT(fast->counters.halt_skipped, fast->counters.cycles / 2) << "the ROM should mostly be halted";
  EXPECT_GT(fast->serial.out_count, 20u);
  EXPECT_EQ(slow->counters.halt_skipped, 0u);
  fast->counters.halt_skipped = 0;
  EXPECT_EQ(std::memcmp(fast.get(), slow.get(), sizeof(Console)), 0);
}

TEST(RunFrame, AFrameWithoutASinkWritesNoPixels) {
  const Rom rom = halting_rom();
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  std::vector<std::uint8_t> observation(packed2::kBytesPerFrame, 0xA5);
  FrameSink sink;  // both pointers null
  for (int frame = 0; frame < 3; ++frame) run_frame(*console, rom.view(), sink);
  EXPECT_EQ(std::vector<std::uint8_t>(packed2::kBytesPerFrame, 0xA5), observation);
  run_frame(*console, rom.view(), FrameSink{nullptr, observation.data()});
  EXPECT_NE(std::vector<std::uint8_t>(packed2::kBytesPerFrame, 0xA5), observation);
  EXPECT_EQ(console->counters.frames, 4u);
}

}  // namespace
}  // namespace dreamer::gb
