// Issue 20, theme 6: the DMG OAM corruption bug, pinned by micro-ROMs
// (oam_corruption_rom.hpp). Each case runs one instruction at a chosen
// M-cycle after the LCD is switched on and compares OAM afterwards with the
// fill corrupted as the hardware does: the M-cycles and the causes are those
// of Blargg's oam_bug ROMs (oam_bug/source/*.s; they pass on a DMG), the
// patterns Pan Docs "OAM Corruption Bug", computed here on 16-bit words as
// Pan Docs states them.
#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "actors/gb/emulator.hpp"
#include "actors/gb/rom.hpp"
#include "states/gbasm/assembler.hpp"
#include "tests/actors/gb/micro_rom_result.hpp"
#include "tests/actors/gb/oam_corruption_rom.hpp"

namespace dreamer::gb {
namespace {

using Oam = std::array<std::uint8_t, 160>;

// A fill with no structure, so that every pattern changes something.
Oam oam_fill() {
  Oam oam{};
  std::uint32_t state = 12345;
  for (std::uint8_t& byte : oam) {
    state = state * 1103515245u + 12345u;
    byte = static_cast<std::uint8_t>(state >> 16);
  }
  return oam;
}

// Word `word` (0-3) of OAM row `row` (0-19), little-endian as the OAM bus.
std::uint16_t word_at(const Oam& oam, int row, int word) {
  const int at = row * 8 + word * 2;
  return static_cast<std::uint16_t>(oam[at] | (oam[at + 1] << 8));
}

void set_word(Oam& oam, int row, int word, std::uint16_t value) {
  const int at = row * 8 + word * 2;
  oam[at] = static_cast<std::uint8_t>(value);
  oam[at + 1] = static_cast<std::uint8_t>(value >> 8);
}

void copy_last_three_words(Oam& oam, int from_row, int to_row) {
  for (int word = 1; word < 4; ++word) set_word(oam, to_row, word, word_at(oam, from_row, word));
}

enum class Access { kWrite, kRead, kReadDuringIncrement };

struct Corruption {
  Access access;
  int row;
};

// Pan Docs "OAM Corruption Bug", "Corruption Patterns". Row 0 is never
// corrupted. The read pattern also writes its result to the row before
// (SameBoy Core/memory.c GB_trigger_oam_bug_read).
void corrupt(Oam& oam, Corruption corruption) {
  const int row = corruption.row;
  if (row == 0) return;
  const std::uint16_t a = word_at(oam, row, 0);
  const std::uint16_t b = word_at(oam, row - 1, 0);
  const std::uint16_t c = word_at(oam, row - 1, 2);
  switch (corruption.access) {
    case Access::kWrite:
      set_word(oam, row, 0, static_cast<std::uint16_t>(((a ^ c) & (b ^ c)) ^ c));
      copy_last_three_words(oam, row - 1, row);
      return;
    case Access::kRead: {
      const auto value = static_cast<std::uint16_t>(b | (a & c));
      set_word(oam, row, 0, value);
      set_word(oam, row - 1, 0, value);
      copy_last_three_words(oam, row - 1, row);
      return;
    }
    case Access::kReadDuringIncrement:
      if (row >= 4 && row != 19) {
        const std::uint16_t two_back = word_at(oam, row - 2, 0);
        const std::uint16_t before = word_at(oam, row - 1, 0);
        const std::uint16_t third = word_at(oam, row - 1, 2);
        set_word(oam, row - 1, 0,
                 static_cast<std::uint16_t>((before & (two_back | a | third)) | (two_back & a & third)));
        for (int word = 0; word < 4; ++word) {
          set_word(oam, row, word, word_at(oam, row - 1, word));
          set_word(oam, row - 2, word, word_at(oam, row - 1, word));
        }
      }
      corrupt(oam, {Access::kRead, row});
      return;
  }
}

struct OamBugCase {
  const char* name;  // what it pins, and its source
  std::string setup;
  int delay;  // M-cycles from the LCD-on write to the instruction's fetch (oam_corruption_rom.hpp)
  std::string instruction;
  std::vector<Corruption> corruptions;  // in order; none: OAM unchanged
};

// delay putting the instruction's second M-cycle on row `row` of line `line`.
constexpr int at(int line, int row) { return 114 * line + row - 3; }

constexpr int kFrame4 = 4 * 154;  // line 0 four frames after the LCD-on write

std::vector<OamBugCase> oam_bug_cases() {
  const std::string de_fe00 = "  ld de, $FE00";
  return {
      // Blargg oam_bug/5-timing_bug: `delay 70224-3` / `-2` / `-2+18` /
      // `-2+19` after the LCD-on write, then INC DE (DE = $FE00).
      {"5-timing_bug: INC DE just before the first corruption (row 0)", de_fe00, 70221, "  inc de", {}},
      {"5-timing_bug: INC DE at the first corruption (row 1)", de_fe00, 70222, "  inc de", {{Access::kWrite, 1}}},
      {"5-timing_bug: INC DE at the last corruption (row 19)", de_fe00, 70240, "  inc de", {{Access::kWrite, 19}}},
      {"5-timing_bug: INC DE just after the last corruption", de_fe00, 70241, "  inc de", {}},
      // Blargg oam_bug/4-scanline_timing: the second and the last visible
      // line are scanned the same way.
      {"4-scanline_timing: beginning of the second line",
       de_fe00,
       at(kFrame4 + 1, 1),
       "  inc de",
       {{Access::kWrite, 1}}},
      {"4-scanline_timing: +18 of the last line", de_fe00, at(kFrame4 + 143, 19), "  inc de", {{Access::kWrite, 19}}},
      // Blargg oam_bug/6-timing_no_bug: dot 80 of a line and VBlank never
      // corrupt. SameBoy Core/display.c: the line after the LCD is switched
      // on has no OAM scan (no row accessed).
      {"6-timing_no_bug: dot 80 of line 10", de_fe00, at(10, 20), "  inc de", {}},
      {"6-timing_no_bug: VBlank (line 144)", de_fe00, at(144, 5), "  inc de", {}},
      {"line 0 after the LCD is switched on (no OAM scan)", de_fe00, at(0, 5), "  inc de", {}},
      // Blargg oam_bug/2-causes, with Pan Docs' pattern for each access.
      {"2-causes: INC DE, DE = $FE00 (write)", de_fe00, at(1, 5), "  inc de", {{Access::kWrite, 5}}},
      {"2-causes: DEC DE, DE = $FE00 (write)", de_fe00, at(1, 6), "  dec de", {{Access::kWrite, 6}}},
      {"2-causes: INC DE, DE = $FEFF (write)", "  ld de, $FEFF", at(1, 7), "  inc de", {{Access::kWrite, 7}}},
      {"2-causes: INC BC, BC = $FE00 (write)", "  ld bc, $FE00", at(1, 8), "  inc bc", {{Access::kWrite, 8}}},
      {"2-causes: INC SP, SP = $FE00 (write)", "  ld sp, $FE00", at(1, 4), "  inc sp", {{Access::kWrite, 4}}},
      {"2-causes: LD A,(HL), HL = $FE40 (read)", "  ld hl, $FE40", at(1, 9), "  ld a, (hl)", {{Access::kRead, 9}}},
      {"2-causes: LD (HL),A, HL = $FEA5 (write to the unusable area)",
       "  ld hl, $FEA5",
       at(1, 10),
       "  ld (hl), a",
       {{Access::kWrite, 10}}},
      {"2-causes: LD A,(HL+), HL = $FE10 (read during increment)",
       "  ld hl, $FE10",
       at(1, 11),
       "  ld a, (hl+)",
       {{Access::kReadDuringIncrement, 11}}},
      {"LD A,(HL-) on row 3: the increment part needs row 4 or later",
       "  ld hl, $FE10",
       at(1, 3),
       "  ld a, (hl-)",
       {{Access::kReadDuringIncrement, 3}}},
      {"2-causes: LD (HL+),A, HL = $FE20 (a write during increment acts once)",
       "  ld hl, $FE20",
       at(1, 12),
       "  ld (hl+), a",
       {{Access::kWrite, 12}}},
      // Pan Docs: POP corrupts 3 times (a read during increment, a read).
      {"2-causes: POP BC, SP = $FE80",
       "  ld sp, $FE80",
       at(1, 13),
       "  pop bc",
       {{Access::kReadDuringIncrement, 13}, {Access::kRead, 14}}},
      // Pan Docs: PUSH corrupts as 3 writes (the SP decrement, two writes).
      {"2-causes: PUSH BC, SP = $FE50",
       "  ld bc, $1234\n  ld sp, $FE50",
       at(1, 14),
       "  push bc",
       {{Access::kWrite, 14}, {Access::kWrite, 15}, {Access::kWrite, 16}}},
      // SameBoy Core/sm83_cpu.c call_a16: the SP decrement's M-cycle comes
      // after the two operand reads.
      {"CALL nn, SP = $FE60",
       "  ld sp, $FE60",
       at(1, 15) - 2,
       "  call next",
       {{Access::kWrite, 15}, {Access::kWrite, 16}, {Access::kWrite, 17}}},
      // SameBoy Core/sm83_cpu.c ld_sp_hl: HL passes the IDU into SP.
      {"LD SP,HL, HL = $FE30", "  ld hl, $FE30", at(1, 17), "  ld sp, hl", {{Access::kWrite, 17}}},
      // Blargg oam_bug/3-non_causes: the IDU puts the value before the step
      // on the bus.
      {"3-non_causes: DEC DE, DE = $FF00", "  ld de, $FF00", at(1, 5), "  dec de", {}},
      {"3-non_causes: INC DE, DE = $FDFF", "  ld de, $FDFF", at(1, 5), "  inc de", {}},
  };
}

TEST(OamCorruption, MicroRomsCorruptOamWhereAndAsTheDmgDoes) {
  const Oam fill = oam_fill();
  const std::vector<std::uint8_t> fill_bytes(fill.begin(), fill.end());
  for (const OamBugCase& c : oam_bug_cases()) {
    const Rom rom(gbasm::assemble(test::oam_corruption_rom(fill_bytes, c.setup, c.delay, c.instruction), "oam_bug.asm"),
                  "OAM bug ROM");
    auto console = std::make_unique<Console>();
    power_on(*console, rom.view());
    for (int frame = 0; frame < 8; ++frame) run_frame(*console, rom.view(), FrameSink{});
    ASSERT_EQ(console->hram[test::kMicroRomDone - 0xFF80], test::kMicroRomDoneMark) << c.name << ": not finished";
    Oam expected = fill;
    for (const Corruption& corruption : c.corruptions) corrupt(expected, corruption);
    ASSERT_EQ(expected != fill, !c.corruptions.empty()) << c.name << ": the fill hides the corruption";
    Oam actual{};
    for (int i = 0; i < 160; ++i) actual[i] = console->oam[i];
    for (int row = 0; row < 20; ++row) {
      for (int word = 0; word < 4; ++word) {
        EXPECT_EQ(word_at(actual, row, word), word_at(expected, row, word))
            << c.name << ": row " << row << " word " << word;
      }
    }
  }
}

}  // namespace
}  // namespace dreamer::gb
