#pragma once
// Micro-ROMs for the length of mode 3 as STAT sees it (issue 20, themes 2
// and 3): each ROM switches the LCD on (which restarts the PPU at a known
// phase), waits a chosen number of M-cycles and stores the STAT it then
// reads at $FF80 ($A5 at $FF81 once done). Whether STAT still reads mode 3
// (0x83) or already mode 0 (0x80) one M-cycle apart pins where mode 3 ends
// to within 4 dots.
//
// The cases and the values a DMG reads are those of docboy-test-suite
// (Docheinstein), source/ppu/pixel_transfer_timing_*.asm, whose ROMs each
// check one STAT read after the same set-up (the test names are given per
// case in ppu_test.cpp); the set-up code here is written anew:
//   - line 0: LCD off then on with LCDC = $83 and OAM cleared, `nops` NOPs
//     (after one frame more for line 0 of the next frame), LDH A,(STAT);
//     LY = LYC = 0, so STAT reads 0x87 / 0x84;
//   - objects: in VBlank, SCX set, OAM cleared and objects placed on line 1
//     (Y = 16: lines 0-7), LCD off then on with LCDC = $83 (BG and objects),
//     `nops` NOPs, LDH A,(STAT);
//   - window: LCD off then on with LCDC = $A1 (BG and window, WY = 0), wait
//     for LY = 1 and mode 0, set WX, wait for LY = 2, `nops` NOPs,
//     LDH A,(STAT) (the polling loops are part of the timing);
//   - window and objects: the mode 2 interrupt of line 8 (WY = 8, objects on
//     lines 8-15, LCDC = $E3) jumps to a handler that waits `nops` NOPs and
//     reads STAT (mode 2 interrupt enabled: 0xA3 / 0xA0).
#include <string>
#include <vector>

#include "tests/actors/gb/micro_rom_result.hpp"

namespace dreamer::gb::test {

inline std::string mode3_rom_header() {
  return R"(
rIF   equ $FF0F
rLCDC equ $FF40
rSTAT equ $FF41
rSCY  equ $FF42
rSCX  equ $FF43
rLY   equ $FF44
rWY   equ $FF4A
rWX   equ $FF4B
rIE   equ $FFFF

  org $0048
  jp stat_handler
  org $0100
  nop
  jp start
  logo
  db "MODE3 LENGTH"
  org $0150
)" + std::string(kStartWithTheLcdOff) +
         R"(
  ldh (rWY), a
  ld hl, $FE00
  ld b, 160
.clear_oam:
  ld (hl+), a
  dec b
  jr nz, .clear_oam
)";
}

inline std::string mode3_rom_footer(int nops) {
  return "  ds " + std::to_string(nops) + ", 0\n  ldh a, (rSTAT)\n" + kStoreResultAndStop;
}

// Objects at OAM X `object_x` on lines 0-7, SCX = scx; STAT read after `nops`
// NOPs from the LCD-on write.
inline std::string mode3_objects_rom(int scx, const std::vector<int>& object_x, int nops) {
  std::string source = mode3_rom_header();
  source += "  ld a, " + std::to_string(scx) + "\n  ldh (rSCX), a\n";
  for (std::size_t i = 0; i < object_x.size(); ++i) {
    source += "  ld a, 16\n  ld (" + std::to_string(0xFE00 + 4 * i) + "), a\n";
    source += "  ld a, " + std::to_string(object_x[i]) + "\n  ld (" + std::to_string(0xFE01 + 4 * i) + "), a\n";
  }
  source += "  ld a, $83\n  ldh (rLCDC), a\n";
  source += mode3_rom_footer(nops);
  source += "stat_handler:\n  reti\n";
  return source;
}

// Line 0 right after the LCD is switched on (`next_frame`: line 0 of the
// frame after, 154 x 114 M-cycles later), SCX = scx, no objects; STAT read
// after `nops` NOPs (+ the frame) from the LCD-on write.
inline std::string mode3_lcd_on_line_rom(int scx, bool next_frame, int nops) {
  std::string source = mode3_rom_header();
  source += "  ld a, " + std::to_string(scx) + "\n  ldh (rSCX), a\n";
  source += "  ld a, $83\n  ldh (rLCDC), a\n";
  if (next_frame) {
    // 3 + 7 x 2507 - 1 + 5 = 17556 M-cycles: one frame.
    source += R"(
  ld bc, 2507
.frame:
  dec bc
  ld a, b
  or c
  jr nz, .frame
  ds 5, 0
)";
  }
  source += mode3_rom_footer(nops);
  source += "stat_handler:\n  reti\n";
  return source;
}

// Issue 20, theme 7: the CPU's VRAM and OAM accesses at the end of mode 3.
// Same set-up as mode3_objects_rom (VRAM $8000 = $5A, OAM $FE9F = $5A first,
// object 39's attribute byte, which moves nothing), then `nops` NOPs, one more
// NOP and the access through HL in the M-cycle where mode3_objects_rom reads
// STAT: a read stores the byte read ($FF while blocked); a write of $A7 stores
// the byte read back in the next VBlank ($5A if it was blocked).
enum class Mode3Access { kVramRead, kOamRead, kVramWrite, kOamWrite };

inline std::string mode3_access_rom(int scx, const std::vector<int>& object_x, int nops, Mode3Access access) {
  const bool vram = access == Mode3Access::kVramRead || access == Mode3Access::kVramWrite;
  const bool write = access == Mode3Access::kVramWrite || access == Mode3Access::kOamWrite;
  std::string source = mode3_rom_header();
  source += "  ld a, $5A\n  ld ($8000), a\n  ld ($FE9F), a\n";
  source += "  ld a, " + std::to_string(scx) + "\n  ldh (rSCX), a\n";
  for (std::size_t i = 0; i < object_x.size(); ++i) {
    source += "  ld a, 16\n  ld (" + std::to_string(0xFE00 + 4 * i) + "), a\n";
    source += "  ld a, " + std::to_string(object_x[i]) + "\n  ld (" + std::to_string(0xFE01 + 4 * i) + "), a\n";
  }
  source += vram ? "  ld hl, $8000\n" : "  ld hl, $FE9F\n";
  source += "  ld a, $A7\n  ld b, a\n";
  source += "  ld a, $83\n  ldh (rLCDC), a\n";
  source += "  ds " + std::to_string(nops + 1) + ", 0\n";
  if (write) {
    source += R"(
  ld (hl), b
.vblank_again:
  ldh a, (rLY)
  cp 144
  jr nz, .vblank_again
)";
  }
  source += R"(
  ld a, (hl)
  ldh ($80), a
  ld a, $A5
  ldh ($81), a
.done:
  jr .done
stat_handler:
  reti
)";
  return source;
}

// The window from WX = wx on line 2 (SCX = scx); STAT read after `nops` NOPs
// from the end of the wait for LY = 2.
inline std::string mode3_window_rom(int scx, int wx, int nops) {
  std::string source = mode3_rom_header();
  source += "  ld a, " + std::to_string(scx) + "\n  ldh (rSCX), a\n";
  source += R"(
  ld a, $A1
  ldh (rLCDC), a
.line1:
  ldh a, (rLY)
  cp 1
  jr nz, .line1
  ld b, 3
  ld c, 0
.hblank:
  ldh a, (rSTAT)
  and b
  cp c
  jr nz, .hblank
)";
  source += "  ld a, " + std::to_string(wx) + "\n  ldh (rWX), a\n";
  source += R"(
.line2:
  ldh a, (rLY)
  cp 2
  jr nz, .line2
)";
  source += mode3_rom_footer(nops);
  source += "stat_handler:\n  reti\n";
  return source;
}

// The window from WX = wx on lines 8 on and objects at OAM X `object_x` on
// lines 8-15; STAT read `nops` NOPs into the handler of line 8's mode 2
// interrupt.
inline std::string mode3_window_objects_rom(int wx, const std::vector<int>& object_x, int nops) {
  std::string source = mode3_rom_header();
  for (std::size_t i = 0; i < object_x.size(); ++i) {
    source += "  ld a, 24\n  ld (" + std::to_string(0xFE00 + 4 * i) + "), a\n";
    source += "  ld a, " + std::to_string(object_x[i]) + "\n  ld (" + std::to_string(0xFE01 + 4 * i) + "), a\n";
  }
  source += "  ld a, " + std::to_string(wx) + "\n  ldh (rWX), a\n";
  source += R"(
  ld a, 8
  ldh (rWY), a
  ld a, $E3
  ldh (rLCDC), a
.line7:
  ldh a, (rLY)
  cp 7
  jr nz, .line7
  ds 20, 0
  xor a
  ldh (rIF), a
  ld a, 2
  ldh (rIE), a
  ld a, $20
  ldh (rSTAT), a
  ei
  ds 114, 0
  ld a, $EE
  ldh ($80), a
  ld a, $A5
  ldh ($81), a
.no_interrupt:
  jr .no_interrupt
stat_handler:
)";
  source += mode3_rom_footer(nops);
  return source;
}

}  // namespace dreamer::gb::test
