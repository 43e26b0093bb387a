// LY/LYC/STAT timing (456 dots per line, 154 lines), the DMG STAT-write
// glitch, the observation grid (packed2 pixels equal the top-left pixel of
// each 2x2 block of the full frame), the mode-3 pixel FIFO replay and the
// boot ROM's VRAM.
#include <gtest/gtest.h>

#include <array>
#include <memory>
#include <string>
#include <vector>

#include "actors/gb/emulator.hpp"
#include "common/packed2.hpp"
#include "states/gbasm/assembler.hpp"
#include "states/gbasm/cartridge_header.hpp"
#include "tests/actors/gb/boot_phase_rom.hpp"
#include "tests/actors/gb/lyc_timing_rom.hpp"
#include "tests/actors/gb/mode3_length_rom.hpp"
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

// Runs a micro-ROM that ends in kStoreResultAndStop (micro_rom_result.hpp)
// for `frames` frames and returns the byte it stored.
std::uint8_t micro_rom_result(const std::string& source, int frames) {
  const Rom rom(gbasm::assemble(source, "micro_rom.asm"), "micro-ROM");
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  for (int frame = 0; frame < frames; ++frame) run_frame(*console, rom.view(), FrameSink{});
  EXPECT_EQ(console->hram[test::kMicroRomDone - 0xFF80], test::kMicroRomDoneMark) << "program not finished";
  return console->hram[test::kMicroRomResult - 0xFF80];
}

// Runs a mode-3 micro-ROM (mode3_length_rom.hpp) and returns the STAT it read.
std::uint8_t mode3_rom_stat(const std::string& source) { return micro_rom_result(source, 3); }

struct Mode3Case {
  const char* docboy_test;  // docboy-test-suite source/ppu/<name>.asm: the DMG's value
  std::string source;
  std::uint8_t hardware_stat;
};

// Issue 20, themes 2 and 3: STAT reads mode 0 three dots before the pixel
// FIFO shifts out the last pixel (at that pixel on the line after the LCD
// is switched on), with SCX & 7, object fetches (an object at X = 0 also
// waits out SCX & 7) and the window start stalling the FIFO (4 dots more
// when both the window and an object do), not from the formula
// 172 + (SCX & 7) + 6 (window) + 6 + 5 - min(5, (X + SCX) & 7) - 3 (objects).
// The core before this change read the other value in the cases marked (*).
TEST(PpuMode3Length, StatReadsModeZeroWhenTheDmgDoesWithObjectsAndTheWindow) {
  const Mode3Case cases[] = {
      {"pixel_transfer_timing_0_sprites_scx1_round1", test::mode3_objects_rom(1, {}, 173), 0x83},
      {"pixel_transfer_timing_0_sprites_scx1_round2 (*)", test::mode3_objects_rom(1, {}, 174), 0x80},
      {"pixel_transfer_timing_0_sprites_scx4_round2", test::mode3_objects_rom(4, {}, 175), 0x80},
      {"pixel_transfer_timing_0_sprites_scx6_round1", test::mode3_objects_rom(6, {}, 174), 0x83},
      {"pixel_transfer_timing_0_sprites_scx7_round1", test::mode3_objects_rom(7, {}, 174), 0x83},
      {"pixel_transfer_timing_0_sprites_scx7_round2 (*)", test::mode3_objects_rom(7, {}, 175), 0x80},
      {"turn_on_pixel_transfer_timing, SCX = 0, 59 NOPs", test::mode3_lcd_on_line_rom(0, false, 59), 0x87},
      {"turn_on_pixel_transfer_timing, SCX = 0, 60 NOPs", test::mode3_lcd_on_line_rom(0, false, 60), 0x84},
      {"turn_on_pixel_transfer_timing, SCX = 1, 59 NOPs", test::mode3_lcd_on_line_rom(1, false, 59), 0x87},
      {"turn_on_pixel_transfer_timing_scx3_round1", test::mode3_lcd_on_line_rom(3, false, 60), 0x87},
      {"turn_on_pixel_transfer_timing, SCX = 4, 60 NOPs", test::mode3_lcd_on_line_rom(4, false, 60), 0x87},
      {"turn_on_pixel_transfer_timing_next_frame, SCX = 1, 59 NOPs", test::mode3_lcd_on_line_rom(1, true, 59), 0x87},
      {"turn_on_pixel_transfer_timing_next_frame_line_0_scx3_round2 (*)", test::mode3_lcd_on_line_rom(3, true, 60),
       0x84},
      {"turn_on_pixel_transfer_timing_next_frame, SCX = 4, 61 NOPs", test::mode3_lcd_on_line_rom(4, true, 61), 0x84},
      {"pixel_transfer_timing_1_sprite_x0_scx0_round2", test::mode3_objects_rom(0, {0}, 176), 0x80},
      {"pixel_transfer_timing_1_sprite_x0_scx1_round2", test::mode3_objects_rom(1, {0}, 177), 0x80},
      {"pixel_transfer_timing_1_sprite_x0_scx2_round1 (*)", test::mode3_objects_rom(2, {0}, 176), 0x83},
      {"pixel_transfer_timing_1_sprite_x0_scx4_round2", test::mode3_objects_rom(4, {0}, 177), 0x80},
      {"pixel_transfer_timing_1_sprite_x0_scx5_round1 (*)", test::mode3_objects_rom(5, {0}, 177), 0x83},
      {"pixel_transfer_timing_1_sprite_x0_scx5_round2", test::mode3_objects_rom(5, {0}, 178), 0x80},
      {"pixel_transfer_timing_1_sprite_x32_scx0_round1", test::mode3_objects_rom(0, {32}, 175), 0x83},
      {"pixel_transfer_timing_1_sprite_x32_scx0_round2", test::mode3_objects_rom(0, {32}, 176), 0x80},
      {"pixel_transfer_timing_2_sprites_x0_scx0_round1", test::mode3_objects_rom(0, {0, 0}, 177), 0x83},
      {"pixel_transfer_timing with five objects at X = 32, 181 NOPs",
       test::mode3_objects_rom(0, {32, 32, 32, 32, 32}, 181), 0x83},
      {"pixel_transfer_timing_window_wx0_round1", test::mode3_window_rom(0, 0, 50), 0x83},
      {"pixel_transfer_timing_window_wx7_scx0_round2 (*)", test::mode3_window_rom(0, 7, 51), 0x80},
      {"pixel_transfer_timing_window_wx17_round1", test::mode3_window_rom(0, 17, 50), 0x83},
      {"pixel_transfer_timing_window_wx17_round2 (*)", test::mode3_window_rom(0, 17, 51), 0x80},
      {"pixel_transfer_timing_window_wx8_scx7_round2 (*)", test::mode3_window_rom(7, 8, 53), 0x80},
      {"pixel_transfer_timing_window_sprite_wx7_x2_scx0_round1 (*)", test::mode3_window_objects_rom(7, {2}, 55), 0xA3},
      {"pixel_transfer_timing_window_sprite_wx7_x6_scx0_round1 (*)", test::mode3_window_objects_rom(7, {6}, 55), 0xA3},
      {"pixel_transfer_timing_window_sprite_wx7_x8_scx0_round1 (*)", test::mode3_window_objects_rom(7, {8}, 56), 0xA3},
      {"pixel_transfer_timing_window_sprite_wx7_x8_scx0_round2", test::mode3_window_objects_rom(7, {8}, 57), 0xA0},
      {"pixel_transfer_timing_window_sprite_wx8_x16_scx0_round1", test::mode3_window_objects_rom(8, {16}, 55), 0xA3},
      {"pixel_transfer_timing_window_sprite_wx12_x13_scx0_round1 (*)", test::mode3_window_objects_rom(12, {13}, 56),
       0xA3},
      {"pixel_transfer_timing_window_sprite_wx15_x17_scx0_round1 (*)", test::mode3_window_objects_rom(15, {17}, 56),
       0xA3},
      {"pixel_transfer_timing_window_sprite_wx15_x24_scx0_round1 (*)", test::mode3_window_objects_rom(15, {24}, 56),
       0xA3},
      {"pixel_transfer_timing_window_sprite_wx15_x18_x21_scx0_round1 (*)",
       test::mode3_window_objects_rom(15, {18, 21}, 57), 0xA3},
      {"pixel_transfer_timing_window_sprite with WX = 15 and an object at X = 22, 56 NOPs",
       test::mode3_window_objects_rom(15, {22}, 56), 0xA0},
  };
  for (const Mode3Case& c : cases) {
    EXPECT_EQ(mode3_rom_stat(c.source), c.hardware_stat) << c.docboy_test;
  }
}

// Issue 20, theme 7: on the DMG the CPU's VRAM and OAM reads and writes
// open in the same dot as STAT turns to mode 0 at the end of mode 3 (SameBoy
// Core/display.c: with single speed it clears STAT's mode and the four
// read/write blocks together, the OAM read block staying only on CGB-D and
// later), so the access windows move with SCX & 7 and the object stalls as
// STAT does. The M-cycles are those where a DMG reads STAT 0x83 / 0x80
// (docboy-test-suite pixel_transfer_timing_0_sprites_scx1_round1/2,
// _scx7_round1/2, _1_sprite_x0_scx5_round1/2). The core before issue 20's
// mode-3 change kept VRAM and OAM blocked one M-cycle too long with SCX = 1
// and 7 and opened them one M-cycle early with the object.
TEST(PpuMode3Access, VramAndOamOpenWhenStatReadsModeZeroWithScxAndObjects) {
  struct AccessCase {
    int scx;
    std::vector<int> object_x;
    int nops;
    bool open;  // STAT reads mode 0 in that M-cycle on a DMG
  };
  const AccessCase cases[] = {
      {1, {}, 173, false}, {1, {}, 174, true},   {7, {}, 174, false},
      {7, {}, 175, true},  {5, {0}, 177, false}, {5, {0}, 178, true},
  };
  const test::Mode3Access accesses[] = {test::Mode3Access::kVramRead, test::Mode3Access::kOamRead,
                                        test::Mode3Access::kVramWrite, test::Mode3Access::kOamWrite};
  const char* const access_names[] = {"VRAM read", "OAM read", "VRAM write", "OAM write"};
  for (const AccessCase& c : cases) {
    for (int a = 0; a < 4; ++a) {
      const bool write = accesses[a] == test::Mode3Access::kVramWrite || accesses[a] == test::Mode3Access::kOamWrite;
      const std::uint8_t expected = c.open ? (write ? 0xA7 : 0x5A) : (write ? 0x5A : 0xFF);
      EXPECT_EQ(mode3_rom_stat(test::mode3_access_rom(c.scx, c.object_x, c.nops, accesses[a])), expected)
          << access_names[a] << ", SCX = " << c.scx << ", " << c.object_x.size() << " object(s), " << c.nops << " NOPs";
    }
  }
}

// Issue 20, theme 4: where the PPU stands when the boot ROM hands over. Each
// micro-ROM (boot_phase_rom.hpp) reads a register a number of M-cycles
// after $0100 with no LCD restart; the values are a DMG's, from the
// docboy-test-suite ROMs named. Line 0 of a frame reads mode 1 until its
// mode 2 begins (the second case). The core before this change read mode 2
// after 7 NOPs and mode 0 after 65 (marked (*)): it was one M-cycle ahead.
TEST(PpuBootPhase, ReadsAfterTheBootRomSeeWhatTheDmgShows) {
  struct BootCase {
    const char* docboy_test;  // docboy-test-suite source/ppu/<name>.asm
    std::string body;         // leaves the value read in A
    std::uint8_t hardware;
  };
  const std::string set_scx3 = "  ld a, 3\n  ldh ($43), a\n";
  const BootCase cases[] = {
      {"boot_stat_lyc_eq_ly_round1", "  ldh a, ($41)\n", 0x85},
      {"boot_ppu_phase_round1 (*)", test::boot_nops(7) + "  ldh a, ($41)\n  and 3\n", 0x01},
      {"boot_ppu_phase_round2", test::boot_nops(8) + "  ldh a, ($41)\n  and 3\n", 0x02},
      {"boot_stat_lyc_eq_ly_round2", test::boot_nops(10) + "  ldh a, ($41)\n", 0x86},
      {"pixel_transfer_timing_from_boot_scx3_round1 (*)", set_scx3 + test::boot_nops(65) + "  ldh a, ($41)\n", 0x87},
      {"pixel_transfer_timing_from_boot_scx3_round2", set_scx3 + test::boot_nops(66) + "  ldh a, ($41)\n", 0x84},
      {"ly_timing_scx0_round2", "  ld a, 0\n  ldh ($43), a\n" + test::boot_nops(116) + "  ldh a, ($44)\n", 0x01},
      {"lyc_stat_interrupt_flag_timing_from_boot_round2",
       "  xor a\n  ldh ($0F), a\n  ld a, 1\n  ldh ($45), a\n  ld a, 2\n  ldh ($FF), a\n  ld a, $40\n  ldh ($41), a\n" +
           test::boot_nops(103) + "  ldh a, ($0F)\n",
       0xE2},
  };
  for (const BootCase& c : cases) {
    const Rom rom(gbasm::assemble(test::boot_phase_rom(c.body), "boot_phase.asm"), "boot phase ROM");
    auto console = std::make_unique<Console>();
    power_on(*console, rom.view());
    for (int frame = 0; frame < 2; ++frame) run_frame(*console, rom.view(), FrameSink{});
    ASSERT_EQ(console->hram[test::kMicroRomDone - 0xFF80], test::kMicroRomDoneMark) << c.docboy_test;
    EXPECT_EQ(console->hram[test::kMicroRomResult - 0xFF80], c.hardware) << c.docboy_test;
  }
}

// Issue 20, theme 4 (line 0 of a frame reads mode 1 until its mode 2): with
// the mode 1 and mode 2 STAT interrupts enabled, the STAT line stays high
// from VBlank into line 0's mode 2, so that mode 2 raises no interrupt
// (Gambatte libgambatte/src/video/mstat_irq.h doM2Event: blockedByM1Irq,
// ly == 0 with the mode 1 source enabled). The ROM enables both in VBlank,
// clears IF, waits for STAT's first mode 2 (line 0) and stores IF; the core
// before this change read 0xE2.
TEST(PpuLineZero, ModeOneEnableBlocksTheModeTwoInterruptOfLineZero) {
  const std::string body = R"(
.line150:
  ldh a, ($44)
  cp 150
  jr nz, .line150
  ld a, $30
  ldh ($41), a
  xor a
  ldh ($0F), a
.mode2:
  ldh a, ($41)
  and 3
  cp 2
  jr nz, .mode2
  ldh a, ($0F)
)";
  const Rom rom(gbasm::assemble(test::boot_phase_rom(body), "line_zero.asm"), "line 0 ROM");
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  for (int frame = 0; frame < 3; ++frame) run_frame(*console, rom.view(), FrameSink{});
  ASSERT_EQ(console->hram[test::kMicroRomDone - 0xFF80], test::kMicroRomDoneMark);
  EXPECT_EQ(console->hram[test::kMicroRomResult - 0xFF80], 0xE0);
}

struct LycFlagCase {
  const char* source;  // where the DMG's value comes from
  int lyc;
  int line;
  int dot;
  std::uint8_t hardware_stat;
};

// Issue 20, theme 8: the LY==LYC flag around line 153 and on the VBlank
// lines (lyc_timing_rom.hpp). The comparison is off in the first M-cycle of
// each line but line 0; on line 153 it sees 153 at dots 4-7 (LY already
// reads 0), nothing at 8-11 and 0 from dot 12, which line 0 keeps comparing.
// STAT = $80 | flag | mode (mode 1 in VBlank and the first M-cycle of line
// 0; line 144 reads mode 0 in its first M-cycle). (*): the core before
// this change read otherwise.
TEST(PpuLyc, TheFlagAroundLine153IsWhereTheDmgShowsIt) {
  const LycFlagCase cases[] = {
      {"docboy ly_154_lyc_eq_ly_timing_round3 (*)", 0, 153, 4, 0x81},
      {"docboy ly_154_lyc_eq_ly_timing_round4 (*)", 0, 153, 8, 0x81},
      {"SameBoy display.c: LYC = 0 from line 153 dot 12", 0, 153, 12, 0x85},
      {"SameBoy display.c: line 0 keeps comparing 0 (*)", 0, 154, 0, 0x85},
      {"SameBoy display.c: line 153 dot 0 compares nothing (*)", 153, 153, 0, 0x81},
      {"SameBoy display.c: line 153 compares 153 at dot 4 (*)", 153, 153, 4, 0x85},
      {"SameBoy display.c: and no more at dot 8", 153, 153, 8, 0x81},
      {"SameBoy display.c: line 144 dot 0 compares nothing (*)", 144, 144, 0, 0x80},
      {"SameBoy display.c: line 144 from dot 4", 144, 144, 4, 0x85},
      {"SameBoy display.c: line 150 dot 0 compares nothing (*)", 150, 150, 0, 0x81},
      {"SameBoy display.c: line 150 from dot 4", 150, 150, 4, 0x85},
  };
  for (const LycFlagCase& c : cases) {
    EXPECT_EQ(micro_rom_result(test::lyc_flag_rom(c.lyc, test::lyc_read_delay(c.line, c.dot)), 3), c.hardware_stat)
        << c.source << ": LYC " << c.lyc << ", line " << c.line << " dot " << c.dot;
  }
}

// With LYC = 0 the flag rises on line 153 and stays set into line 0, so the
// LY==LYC interrupt fires once per frame (SameBoy Core/display.c; the core
// before this change cleared the flag for line 0's first M-cycle and raised
// a second interrupt there).
TEST(PpuLyc, LycZeroRaisesOneInterruptAcrossTheFrameBoundary) {
  EXPECT_EQ(micro_rom_result(test::lyc_zero_interrupts_rom(), 4), 0x00)
      << "LY at the first interrupt | IF & $02 on line 1";
}

// Issue 20, theme 8: the HBlank condition ends with the line, so an LY==LYC
// match at dot 4 of the next line raises the interrupt although the line
// was held high by HBlank until then (docboy-test-suite
// oam_irq_clears_stat_irq_round1 on a DMG; SameBoy Core/display.c). The
// core before this change kept the line high through the first M-cycle and
// read IF = $E0.
TEST(PpuLyc, AnHBlankHeldLineDropsAtTheLineEndSoTheNextLinesLycMatchRaisesIt) {
  EXPECT_EQ(micro_rom_result(test::hblank_then_lyc_rom(), 3), 0xE2);
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

// A scene that uses what both renderers draw: background with fine scroll,
// the window, and objects (one partly off the left edge, overlapping ones,
// one behind the background, OBP1).
void set_up_scene(Console& console) {
  for (int i = 0; i < 0x800; ++i) console.vram[i] = static_cast<std::uint8_t>(i * 37 + 11);
  for (int i = 0; i < 1024; ++i) {
    console.vram[0x1800 + i] = static_cast<std::uint8_t>(i % 7);
    console.vram[0x1C00 + i] = static_cast<std::uint8_t>(8 + i % 5);
  }
  const std::uint8_t objects[][4] = {{30, 4, 20, 0x00},  {40, 50, 21, 0x10}, {44, 54, 22, 0x20},
                                     {60, 90, 23, 0x80}, {70, 90, 24, 0x40}, {100, 160, 25, 0x00}};
  for (int k = 0; k < 6; ++k) {
    for (int b = 0; b < 4; ++b) console.oam[4 * k + b] = objects[k][b];
  }
  console.io[0x40] = 0xE3;  // LCD, window (map 9C00), BG/window tiles 8800, objects, BG
  console.io[0x42] = 5;     // SCY
  console.io[0x43] = 3;     // SCX
  console.io[0x47] = 0xE4;
  console.io[0x48] = 0xD2;
  console.io[0x49] = 0x1B;
  console.io[0x4A] = 40;  // WY
  console.io[0x4B] = 60;  // WX
}

std::vector<std::uint8_t> second_full_frame(const std::vector<std::uint8_t>& program) {
  const Rom rom = test::make_rom(program);
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  set_up_scene(*console);
  std::vector<std::uint8_t> full(kScreenWidth * kScreenHeight, 9);
  FrameSink sink{full.data(), nullptr};
  run_frame(*console, rom.view(), sink);
  run_frame(*console, rom.view(), sink);
  return full;
}

// A ROM that keeps writing BGP's own value, during mode 3 too, has every
// line replayed by the pixel FIFO: it must draw what the whole-line renderer
// draws.
TEST(PpuFifo, ReplayingLinesWithoutChangesDrawsWhatTheWholeLineRendererDraws) {
  const std::vector<std::uint8_t> still = second_full_frame({0x18, 0xFE});  // JR -2
  // loop: LD A,E4; LDH (47),A; JR loop
  const std::vector<std::uint8_t> rewriting = second_full_frame({0x3E, 0xE4, 0xE0, 0x47, 0x18, 0xFA});
  int differing = 0;
  for (std::size_t i = 0; i < still.size(); ++i) differing += still[i] != rewriting[i] ? 1 : 0;
  EXPECT_EQ(differing, 0);
  int shades = 0;
  for (const std::uint8_t shade : still) shades |= 1 << shade;
  EXPECT_EQ(shades, 0xF) << "the scene should use all four shades";
}

// Mid-line writes that change the picture: BGP and WX flip on every line
// (the window sometimes starts, sometimes not, so the window line counter
// depends on the replay). The observation drawn alone equals the full frame
// drawn alone, pixel for pixel on the observation grid, and the writes do
// show.
TEST(PpuFifo, ObservationAloneMatchesTheFullFrameWithMidLineWrites) {
  // loop: LD A,1B; LDH (47),A; LD A,07; LDH (4B),A; LD A,E4; LDH (47),A;
  //       LD A,3C; LDH (4B),A; JR loop
  const Rom rom = test::make_rom(
      {0x3E, 0x1B, 0xE0, 0x47, 0x3E, 0x07, 0xE0, 0x4B, 0x3E, 0xE4, 0xE0, 0x47, 0x3E, 0x3C, 0xE0, 0x4B, 0x18, 0xEE});
  auto full_console = std::make_unique<Console>();
  auto observation_console = std::make_unique<Console>();
  for (Console* console : {full_console.get(), observation_console.get()}) {
    power_on(*console, rom.view());
    set_up_scene(*console);
  }
  std::vector<std::uint8_t> full(kScreenWidth * kScreenHeight, 9);
  std::vector<std::uint8_t> observation(packed2::kBytesPerFrame, 0);
  for (int frame = 0; frame < 3; ++frame) {
    run_frame(*full_console, rom.view(), FrameSink{full.data(), nullptr});
    run_frame(*observation_console, rom.view(), FrameSink{nullptr, observation.data()});
  }
  for (int y = 0; y < packed2::kHeight; ++y) {
    for (int x = 0; x < packed2::kWidth; ++x) {
      const std::uint8_t packed = packed2::unpack_one(observation[y * packed2::kBytesPerRow + x / 4], x % 4);
      ASSERT_EQ(packed, full[(2 * y) * kScreenWidth + 2 * x]) << "at " << x << "," << y;
    }
  }
  const std::vector<std::uint8_t> still = second_full_frame({0x18, 0xFE});
  int differing = 0;
  for (std::size_t i = 0; i < still.size(); ++i) differing += still[i] != full[i] ? 1 : 0;
  EXPECT_GT(differing, 1000) << "the mid-line writes should change the picture";
}

// Line 10 of the full frame after a BGP write in its mode 3 (so that the
// line is replayed), with or without a BG tile rewritten in its HBlank.
std::vector<std::uint8_t> line_ten(bool rewrite_tiles_in_hblank) {
  const Rom rom = test::make_rom({0x18, 0xFE});
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  set_up_scene(*console);
  std::vector<std::uint8_t> full(kScreenWidth * kScreenHeight, 9);
  const FrameSink sink{full.data(), nullptr};
  Bus bus{*console, rom.view(), &sink};
  while (!(console->ppu.line == 10 && console->ppu.mode == 3)) tick(bus);
  for (int i = 0; i < 10; ++i) tick(bus);
  bus_write(bus, 0xFF47, 0xE4);  // BGP's own value: logged, changes nothing
  while (console->ppu.mode == 3) tick(bus);
  if (rewrite_tiles_in_hblank) {
    for (std::uint16_t address = 0x9000; address < 0x9070; ++address) bus_write(bus, address, 0xFF);
  }
  while (console->ppu.line == 10) tick(bus);
  return std::vector<std::uint8_t>(full.begin() + 10 * kScreenWidth, full.begin() + 11 * kScreenWidth);
}

// The replay reads VRAM as it was while the line was drawn: tiles the CPU
// rewrites in that line's HBlank (allowed there) do not show on it.
TEST(PpuFifo, TilesRewrittenInTheLinesHBlankDoNotShowOnTheReplayedLine) {
  const std::vector<std::uint8_t> plain = line_ten(false);
  EXPECT_EQ(line_ten(true), plain);
  int shades = 0;
  for (const std::uint8_t shade : plain) shades |= 1 << shade;
  EXPECT_NE(shades, 1 << 3) << "the line should not be all black already";
}

// What the DMG boot ROM leaves in VRAM (Pan Docs "Power Up Sequence").
TEST(BootLogo, VramHoldsTheLogoTilesTheRegisteredMarkAndTheirMap) {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x18, 0xFE});
  const std::array<std::uint8_t, 48>& logo = gbasm::nintendo_logo();
  for (int i = 0; i < 48; ++i) bytes[0x104 + i] = logo[i];
  const Rom rom(bytes, "logo ROM");
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  load_boot_logo(*console, rom.view());
  // Logo byte 0 is CE: its high nibble 1100 doubles to F0 on tile 1's rows 0
  // and 1, its low nibble 1110 to FC on rows 2 and 3 (colour 1: low plane).
  EXPECT_EQ(logo[0], 0xCE);
  const std::uint8_t* tile1 = &console->vram[0x10];
  EXPECT_EQ(tile1[0], 0xF0);
  EXPECT_EQ(tile1[2], 0xF0);
  EXPECT_EQ(tile1[4], 0xFC);
  EXPECT_EQ(tile1[6], 0xFC);
  EXPECT_EQ(tile1[1], 0x00);
  const std::uint8_t registered[8] = {0x3C, 0x42, 0xB9, 0xA5, 0xB9, 0xA5, 0x42, 0x3C};
  for (int row = 0; row < 8; ++row) EXPECT_EQ(console->vram[0x190 + 2 * row], registered[row]) << row;
  EXPECT_EQ(console->vram[0x1904], 1);
  EXPECT_EQ(console->vram[0x190F], 12);
  EXPECT_EQ(console->vram[0x1910], 0x19);
  EXPECT_EQ(console->vram[0x1924], 13);
  EXPECT_EQ(console->vram[0x192F], 24);
  EXPECT_EQ(console->vram[0x1903], 0);
  EXPECT_EQ(console->vram[0x1930], 0);
}

}  // namespace
}  // namespace dreamer::gb
