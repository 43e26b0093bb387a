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

// Timer interrupt at 4096 Hz, VBlank interrupt, a serial transfer per wake-up,
// HALT in between (interrupt vectors 0x40/0x50 hold RETI):
//   LD A,4; LDH (07),A; LD A,5; LDH (FF),A; LD HL,C000; EI
//   loop: INC (HL); LD A,(HL); LDH (01),A; LD A,81; LDH (02),A; HALT; JR loop
Rom halting_rom() {
  std::vector<std::uint8_t> bytes =
      test::make_rom_bytes({0x3E, 0x04, 0xE0, 0x07, 0x3E, 0x05, 0xE0, 0xFF, 0x21, 0x00, 0xC0, 0xFB,
                            0x34, 0x7E, 0xE0, 0x01, 0x3E, 0x81, 0xE0, 0x02, 0x76, 0x18, 0xF5});
  bytes[0x40] = 0xD9;
  bytes[0x50] = 0xD9;
  std::uint8_t checksum = 0;
  for (std::size_t i = 0x134; i <= 0x14C; ++i) checksum = static_cast<std::uint8_t>(checksum - bytes[i] - 1);
  bytes[0x14D] = checksum;
  return Rom(std::move(bytes), "halting");
}

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
