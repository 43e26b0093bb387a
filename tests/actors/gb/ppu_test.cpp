// LY/LYC/STAT timing (456 dots per line, 154 lines) and the observation
// grid: packed2 pixels equal the top-left pixel of each 2x2 block of the full
// frame.
#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "actors/gb/emulator.hpp"
#include "common/packed2.hpp"
#include "tests/actors/gb/test_rom.hpp"

namespace dreamer::gb {
namespace {

TEST(Ppu, LycInterruptFiresWhenLyReachesLycAndLinesLast456Dots) {
  const Rom rom = test::make_rom({0x18, 0xFE});  // JR -2
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  Bus bus{*console, rom.view(), nullptr};
  bus_write(bus, 0xFF45, 10);    // LYC
  bus_write(bus, 0xFF41, 0x40);  // LYC interrupt
  // Reach line 0 first.
  while (!(console->ppu.line == 0 && console->ppu.ly == 0)) tick(bus);
  bus_write(bus, 0xFF0F, 0);
  const std::uint64_t line0 = console->counters.cycles;
  while ((console->interrupts.if_ & kIntStat) == 0) tick(bus);
  EXPECT_EQ(bus_read(bus, 0xFF44), 10);
  EXPECT_NE(bus_read(bus, 0xFF41) & 0x04, 0);
  // 10 lines of 456 dots = 1140 M-cycles (within the first M-cycle of line 10).
  const std::uint64_t elapsed = console->counters.cycles - line0;
  EXPECT_GE(elapsed, 1140u - 1);
  EXPECT_LE(elapsed, 1140u + 1);
}

TEST(Ppu, FramesLast70224DotsWithTheLcdOnOrOff) {
  const Rom rom = test::make_rom({0x18, 0xFE});
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  run_frame(*console, rom.view(), FrameSink{});
  std::uint64_t before = console->counters.cycles;
  run_frame(*console, rom.view(), FrameSink{});
  EXPECT_NEAR(static_cast<double>(console->counters.cycles - before), 70224.0 / 4, 3.0);
  Bus bus{*console, rom.view(), nullptr};
  bus_write(bus, 0xFF40, 0x11);  // LCD off
  run_frame(*console, rom.view(), FrameSink{});
  before = console->counters.cycles;
  run_frame(*console, rom.view(), FrameSink{});
  EXPECT_NEAR(static_cast<double>(console->counters.cycles - before), 70224.0 / 4, 3.0);
  EXPECT_EQ(bus_read(bus, 0xFF44), 0);
}

TEST(Ppu, ObservationIsTheTopLeftPixelOfEachTwoByTwoBlock) {
  const Rom rom = test::make_rom({0x18, 0xFE});
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  // Tile 0 rows with varied colours, map 0x9800 cycling tiles 0..3.
  for (int i = 0; i < 64; ++i) console->vram[i] = static_cast<std::uint8_t>(i * 37 + 11);
  for (int i = 0; i < 1024; ++i) console->vram[0x1800 + i] = static_cast<std::uint8_t>(i % 4);
  console->io[0x47] = 0xE4;
  std::vector<std::uint8_t> full(kScreenWidth * kScreenHeight, 9);
  std::vector<std::uint8_t> observation(packed2::kBytesPerFrame, 0);
  FrameSink sink{full.data(), observation.data()};
  run_frame(*console, rom.view(), sink);
  run_frame(*console, rom.view(), sink);
  int distinct = 0;
  for (int y = 0; y < packed2::kHeight; ++y) {
    for (int x = 0; x < packed2::kWidth; ++x) {
      const std::uint8_t packed = packed2::unpack_one(observation[y * packed2::kBytesPerRow + x / 4], x % 4);
      ASSERT_EQ(packed, full[(2 * y) * kScreenWidth + 2 * x]) << "at " << x << "," << y;
      distinct |= 1 << packed;
    }
  }
  EXPECT_EQ(distinct, 0xF) << "the pattern should use all four shades";
}

}  // namespace
}  // namespace dreamer::gb
