#pragma once
// Micro-ROMs for the DMG OAM corruption bug (issue 20, theme 6). Each ROM
// fills OAM with the bytes given (LCD off), sets up registers, switches the
// LCD on with LCDC = $81 (which restarts the PPU at a known phase: the
// LCD-on write is M-cycle 0, on line 0 at dot 4, a line without OAM scan),
// waits `delay` M-cycles and runs one instruction whose first M-cycle (the
// opcode fetch) is M-cycle delay + 1. Then it restores SP, stores $A5 at
// $FF81 and spins; the test reads OAM back.
//
// M-cycle k lies on line (4 + 4k) / 456 at dot (4 + 4k) % 456, so the second
// M-cycle of an instruction meets the OAM scan's row m of line L when
// delay = 114 L + m - 3. Blargg's oam_bug ROMs (oam_bug/source, which pass
// on a DMG) time their INC DE the same way from the same LCD-on write:
// `delay 70224-2` then `inc de` is delay = 70222 here (70224 M-cycles are 4
// frames).
#include <cstdint>
#include <string>
#include <vector>

#include "tests/actors/gb/micro_rom_delay.hpp"
#include "tests/actors/gb/micro_rom_result.hpp"

namespace dreamer::gb::test {

// `setup` and `instruction` are gbasm lines; a delay over 200 M-cycles uses
// A and BC (micro_rom_delay.hpp), so such a case may set up only DE, HL and SP.
inline std::string oam_corruption_rom(const std::vector<std::uint8_t>& oam_fill, const std::string& setup, int delay,
                                      const std::string& instruction) {
  std::string source = R"(
rLCDC equ $FF40

  org $0100
  nop
  jp start
  logo
  db "OAM BUG"
  org $0150
)";
  source += kStartWithTheLcdOff;
  source += R"(
  ld hl, $FE00
  ld de, oam_fill
  ld b, 160
.fill:
  ld a, (de)
  inc de
  ld (hl+), a
  dec b
  jr nz, .fill
)";
  source += setup + "\n  ld a, $81\n  ldh (rLCDC), a\n";
  source += micro_rom_delay(delay);
  source += instruction + "\nnext:\n  ld sp, $FFFE\n";
  source += kStoreResultAndStop;
  source += "oam_fill:\n";
  for (std::size_t row = 0; row < oam_fill.size(); row += 8) {
    source += "  db ";
    for (std::size_t i = row; i < row + 8 && i < oam_fill.size(); ++i) {
      source += (i == row ? "" : ", ") + std::to_string(oam_fill[i]);
    }
    source += "\n";
  }
  return source;
}

}  // namespace dreamer::gb::test
