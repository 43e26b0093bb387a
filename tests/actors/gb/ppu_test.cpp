// LY/LYC/STAT timing (456 dots per line, 154 lines), the DMG STAT-write
// glitch, and the observation grid: packed2 pixels equal the top-left pixel
// of each 2x2 block of the full frame.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "actors/gb/emulator.hpp"
#include "common/packed2.hpp"
#include "states/gbasm/assembler.hpp"
#include "tests/actors/gb/stat_write_glitch_rom.hpp"
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

// The micro-ROM of stat_write_glitch_rom.hpp on the CPU: each STAT write
// raises the STAT interrupt exactly where a DMG does.
TEST(PpuStatWriteGlitch, MicroRomSeesTheInterruptOnlyInHBlankVBlankAndLyEqualsLyc) {
  const Rom rom(gbasm::assemble(test::kStatWriteGlitchSource, "stat_write_glitch.asm"), "STAT glitch ROM");
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  for (int frame = 0; frame < 6; ++frame) run_frame(*console, rom.view(), FrameSink{});
  const auto hram = [&](std::uint16_t address) { return console->hram[address - 0xFF80]; };
  ASSERT_EQ(hram(test::kStatGlitchResults + test::kStatGlitchCases), test::kStatGlitchDone) << "program not finished";
  const char* const names[test::kStatGlitchCases] = {"VBlank",        "HBlank",           "mode 3",        "OAM scan",
                                                     "mode 3 LY=LYC", "HBlank held high", "LCD off LY=LYC"};
  for (int i = 0; i < test::kStatGlitchCases; ++i) {
    EXPECT_EQ(hram(static_cast<std::uint16_t>(test::kStatGlitchResults + i)), test::kStatGlitchHardware[i])
        << "case " << i << ": " << names[i];
  }
}

// The same rules, one write at a time through the bus.
class PpuStatWrite : public ::testing::Test {
 protected:
  PpuStatWrite() : rom_(test::make_rom({0x18, 0xFE})), console_(std::make_unique<Console>()) {
    power_on(*console_, rom_.view());
  }
  Bus bus() { return Bus{*console_, rom_.view(), nullptr}; }
  // Runs until line `line` has reached STAT mode `mode` (LY as read; the
  // first M-cycle of a line reads mode 0, so HBlank is run_to_hblank).
  void run_to(int line, int mode) {
    Bus b = bus();
    while (!(bus_read(b, 0xFF44) == line && (bus_read(b, 0xFF41) & 3) == mode)) tick(b);
  }
  void run_to_hblank(int line) {
    run_to(line, 3);
    run_to(line, 0);
  }
  // Writes STAT with IF cleared first; true when the write requested the STAT interrupt.
  bool write_raises(std::uint8_t value) {
    Bus b = bus();
    bus_write(b, 0xFF0F, 0);
    bus_write(b, 0xFF41, value);
    return (console_->interrupts.if_ & kIntStat) != 0;
  }
  Rom rom_;
  std::unique_ptr<Console> console_;
};

TEST_F(PpuStatWrite, WritingZeroInHBlankOrVBlankRaisesTheInterrupt) {
  run_to_hblank(40);
  EXPECT_TRUE(write_raises(0x00));
  EXPECT_TRUE(write_raises(0x00)) << "every write raises it again: the value written back is 0";
  run_to(150, 1);
  EXPECT_TRUE(write_raises(0x00));
}

TEST_F(PpuStatWrite, WritingInModes2And3RaisesItOnlyWhenLyEqualsLyc) {
  run_to(40, 2);
  Bus b = bus();
  for (int i = 0; i < 3; ++i) tick(b);  // past the mode 2 pulse
  EXPECT_FALSE(write_raises(0x00));
  run_to(40, 3);
  EXPECT_FALSE(write_raises(0x00));
  bus_write(b, 0xFF45, 41);
  run_to(41, 3);
  EXPECT_TRUE(write_raises(0x00));
}

TEST_F(PpuStatWrite, AnInterruptLineAlreadyHighBlocksIt) {
  run_to(40, 3);
  EXPECT_FALSE(write_raises(0x08));
  run_to_hblank(40);  // the real mode 0 interrupt
  EXPECT_FALSE(write_raises(0x08));
  EXPECT_FALSE(write_raises(0x00)) << "the mode 0 line stays high through the one-dot glitch";
  EXPECT_TRUE(write_raises(0x00)) << "now the line was low";
}

TEST_F(PpuStatWrite, WithTheLcdOffOnlyTheRetainedLyEqualsLycFlagRaisesIt) {
  Bus b = bus();
  bus_write(b, 0xFF45, 150);
  run_to(150, 1);
  tick(b);  // the flag rises at dot 4
  ASSERT_NE(bus_read(b, 0xFF41) & 0x04, 0);
  bus_write(b, 0xFF40, 0x11);  // LCD off: the flag is retained
  EXPECT_TRUE(write_raises(0x40));
  EXPECT_FALSE(write_raises(0x00)) << "not while the old value enables the LY=LYC interrupt";
  bus_write(b, 0xFF45, 3);
  bus_write(b, 0xFF40, 0x91);  // LCD on: line 0, LY != LYC
  bus_write(b, 0xFF40, 0x11);
  EXPECT_FALSE(write_raises(0x00));
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
