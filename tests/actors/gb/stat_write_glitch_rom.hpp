#pragma once
// Micro-ROM for the DMG STAT-write glitch (Pan Docs "Spurious STAT
// interrupts"): a write to STAT acts for one dot as if every interrupt
// condition were enabled. The ROM writes STAT at chosen points of the frame
// with IME off and IF cleared just before, and stores IF as read right after
// the write in HRAM, one byte per case:
//
//   $FF80  VBlank (line 145), enables 0 -> 0          E2 (raised)
//   $FF81  HBlank (line 10), enables 0 -> 0           E2 (raised)
//   $FF82  mode 3 (line 10), LY != LYC                E0
//   $FF83  OAM scan (line 11) after its first M-cycle E0 (the mode 2 condition
//          is only a pulse at the start of the line)
//   $FF84  mode 3 (line 20) with LY = LYC = 20        E2 (raised)
//   $FF85  HBlank (line 30), mode 0 already enabled   E0 (the line was high)
//   $FF86  LCD off, LY=LYC flag retained (line 146)   E2 (raised)
//   $FF87  $A5 once the program has finished
//
// The expected bytes are the hardware's as the reference emulators model it
// (SameBoy Core/sm83_cpu.c GB_CONFLICT_STAT_DMG and Core/display.c, whose
// mode 2 interrupt source is on for one T-cycle at the start of the OAM scan;
// Gambatte libgambatte/src/video.cpp statChangeTriggersStatIrqDmg, which in
// modes 2 and 3 fires only for LY=LYC, and memory.cpp for the LCD-off case).
// IF reads its unused upper bits as 1. Every write lands at least 7 M-cycles
// away from a mode change (polling loops of at most 10 M-cycles).
#include <array>
#include <cstdint>
#include <string_view>

namespace dreamer::gb::test {

inline constexpr std::uint16_t kStatGlitchResults = 0xFF80;
inline constexpr int kStatGlitchCases = 7;
inline constexpr std::uint8_t kStatGlitchDone = 0xA5;

// IF after each case on a DMG, in the order above.
inline constexpr std::array<std::uint8_t, kStatGlitchCases> kStatGlitchHardware = {0xE2, 0xE2, 0xE0, 0xE0,
                                                                                   0xE2, 0xE0, 0xE2};

inline constexpr std::string_view kStatWriteGlitchSource = R"(
rIF   equ $FF0F
rLCDC equ $FF40
rSTAT equ $FF41
rLY   equ $FF44
rLYC  equ $FF45
hOut  equ $FF80

  org $0100
  nop
  jp start
  logo
  db "STAT GLITCH"
  org $0150
start:
  di
  ld sp, $FFFE
  ld a, 20
  ldh (rLYC), a

  ; 0: VBlank
.wait_145:
  ldh a, (rLY)
  cp 145
  jr nz, .wait_145
  xor a
  ldh (rIF), a
  ldh (rSTAT), a
  ldh a, (rIF)
  ldh (hOut + 0), a

  ; 2: mode 3 of line 10, then 1: its HBlank
.wait_10:
  ldh a, (rLY)
  cp 10
  jr nz, .wait_10
.wait_mode3_10:
  ldh a, (rSTAT)
  and 3
  cp 3
  jr nz, .wait_mode3_10
  xor a
  ldh (rIF), a
  ldh (rSTAT), a
  ldh a, (rIF)
  ldh (hOut + 2), a
.wait_mode0_10:
  ldh a, (rSTAT)
  and 3
  jr nz, .wait_mode0_10
  xor a
  ldh (rIF), a
  ldh (rSTAT), a
  ldh a, (rIF)
  ldh (hOut + 1), a

  ; 3: OAM scan of line 11 (IF cleared first: the write follows the poll)
  xor a
  ldh (rIF), a
.wait_mode2_11:
  ldh a, (rSTAT)
  and 3
  jr z, .wait_mode2_11
  ldh (rSTAT), a          ; A = 2: no enable set, the glitch ignores the value
  ldh a, (rIF)
  ldh (hOut + 3), a

  ; 4: mode 3 of line 20 = LYC
.wait_20:
  ldh a, (rLY)
  cp 20
  jr nz, .wait_20
.wait_mode3_20:
  ldh a, (rSTAT)
  and 3
  cp 3
  jr nz, .wait_mode3_20
  xor a
  ldh (rIF), a
  ldh (rSTAT), a
  ldh a, (rIF)
  ldh (hOut + 4), a

  ; 5: enable the mode 0 condition in mode 3 of line 30, then write it again
  ; in the HBlank that follows
.wait_30:
  ldh a, (rLY)
  cp 30
  jr nz, .wait_30
.wait_mode3_30:
  ldh a, (rSTAT)
  and 3
  cp 3
  jr nz, .wait_mode3_30
  ld a, $08
  ldh (rSTAT), a
.wait_mode0_30:
  ldh a, (rSTAT)
  and 3
  jr nz, .wait_mode0_30
  xor a
  ldh (rIF), a
  ld a, $08
  ldh (rSTAT), a
  ldh a, (rIF)
  ldh (hOut + 5), a
  xor a
  ldh (rSTAT), a

  ; 6: LCD switched off in VBlank while LY = LYC = 146
  ld a, 146
  ldh (rLYC), a
.wait_flag_146:
  ldh a, (rSTAT)
  bit 2, a
  jr z, .wait_flag_146
  xor a
  ldh (rLCDC), a
  ldh (rIF), a
  ldh (rSTAT), a
  ldh a, (rIF)
  ldh (hOut + 6), a

  ld a, $A5
  ldh (hOut + 7), a
.done:
  jr .done
)";

}  // namespace dreamer::gb::test
