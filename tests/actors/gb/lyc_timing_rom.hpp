#pragma once
// Micro-ROMs for the LY==LYC flag and interrupt around line 153 (issue 20,
// theme 8). lyc_flag_rom switches the LCD off in VBlank, sets LYC, switches
// it on with LCDC = $81 (M-cycle 0, line 0 at dot 4), waits `delay`
// M-cycles and stores the STAT it reads at $FF80: that read is M-cycle
// delay + 3, at line (4 + 4 k) / 456, dot (4 + 4 k) % 456. This is the
// set-up of docboy-test-suite's source/ppu/ly_154_*.asm (ResetPPU, LongWait,
// LDH A,(STAT)), written anew.
//
// hblank_then_lyc_rom enables the HBlank and LY==LYC interrupts (STAT = $48)
// in line 10's HBlank with LYC = 11, clears IF, and stores IF as read 20
// NOPs into line 11: $E2 when the line held high by HBlank dropped at the
// line's end and the LY==LYC match raised it again.
//
// lyc_zero_interrupts_rom counts the LY==LYC interrupt with LYC = 0 across
// a frame boundary: IF is cleared on line 152, the first STAT interrupt
// (line 153) is awaited and cleared, and IF & $02 read on line 1 is stored:
// 0 when the flag stayed set from line 153 into line 0.
#include <string>

#include "tests/actors/gb/micro_rom_delay.hpp"
#include "tests/actors/gb/micro_rom_result.hpp"

namespace dreamer::gb::test {

inline constexpr const char* kLycRomHeader = R"(
rIF   equ $FF0F
rLCDC equ $FF40
rSTAT equ $FF41
rLY   equ $FF44
rLYC  equ $FF45

  org $0100
  nop
  jp start
  logo
  db "LYC TIMING"
  org $0150
)";

// Delay putting the STAT read at `dot` (a multiple of 4) of `line` (0-154,
// 154 being line 0 of the next frame).
constexpr int lyc_read_delay(int line, int dot) { return 114 * line + dot / 4 - 4; }

// Header, LCD off, STAT enables cleared; A = 0.
inline std::string lyc_rom_opening() { return std::string(kLycRomHeader) + kStartWithTheLcdOff + "  ldh (rSTAT), a\n"; }

inline std::string lyc_flag_rom(int lyc, int delay) {
  std::string source = lyc_rom_opening();
  source += "  ld a, " + std::to_string(lyc) + "\n  ldh (rLYC), a\n  ld a, $81\n  ldh (rLCDC), a\n";
  source += micro_rom_delay(delay);
  source += "  ldh a, (rSTAT)\n";
  source += kStoreResultAndStop;
  return source;
}

inline std::string lyc_zero_interrupts_rom() {
  std::string source = lyc_rom_opening();
  source += R"(
  ldh (rLYC), a
  ld a, $40
  ldh (rSTAT), a
  ld a, $81
  ldh (rLCDC), a
.line152:
  ldh a, (rLY)
  cp 152
  jr nz, .line152
  xor a
  ldh (rIF), a
.first:
  ldh a, (rIF)
  and $02
  jr z, .first
  ldh a, (rLY)
  ld b, a
  xor a
  ldh (rIF), a
.line1:
  ldh a, (rLY)
  cp 1
  jr nz, .line1
  ldh a, (rIF)
  and $02
  or b
)";
  source += kStoreResultAndStop;
  return source;
}

inline std::string hblank_then_lyc_rom() {
  std::string source = lyc_rom_opening();
  source += R"(
  ld a, 11
  ldh (rLYC), a
  ld a, $81
  ldh (rLCDC), a
.line10:
  ldh a, (rLY)
  cp 10
  jr nz, .line10
.hblank:
  ldh a, (rSTAT)
  and 3
  jr nz, .hblank
  ld a, $48
  ldh (rSTAT), a
  xor a
  ldh (rIF), a
.line11:
  ldh a, (rLY)
  cp 11
  jr nz, .line11
  ds 20, 0
  ldh a, (rIF)
)";
  source += kStoreResultAndStop;
  return source;
}

}  // namespace dreamer::gb::test
