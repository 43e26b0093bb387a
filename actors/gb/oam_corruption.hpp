#pragma once
// The DMG's OAM corruption bug (Pan Docs "OAM Corruption Bug"). During the
// OAM scan (mode 2) the PPU reads OAM one 8-byte row per M-cycle. A CPU
// access to FE00-FEFF in that M-cycle, or the address the 16-bit
// increment/decrement unit (IDU) puts on the bus when it steps a register
// holding FE00-FEFF, garbles the row being read and copies its neighbour
// over it. What is written depends only on the kind of access and the row,
// not on the address or the value.
//
//   line dot (after the M-cycle's tick)  0    4    8   ...  76   80   84
//   row the scan reads                   0    1    2   ...  19   --   mode 3
//                                        no effect (row 0)       no effect
//
// Timing: Blargg oam_bug/5-timing_bug (passes on a DMG): with the LCD just
// switched on, an INC DE of DE = FE00 whose IDU M-cycle falls 70224 M-cycles
// (4 frames) later corrupts and one M-cycle earlier does not; 18 M-cycles
// later still corrupts, 19 does not. 6-timing_no_bug: the M-cycles at dots 0
// and 80 of every line and all of VBlank never corrupt. SameBoy
// Core/display.c (DMG): row (i & ~1) * 4 + 8 after the scan's object i,
// which puts row n at dot 4n in this core's frame of reference (LY changes
// at dot 0, STAT reads mode 2 from dot 4), rows 1..19 over dots 4..76.
//
// Patterns on 16-bit words (row r = 8 bytes, word 0 = bytes 0-1); a, b, c,
// d as Pan Docs names them:
//   write (rows 1-19): word 0 = ((a ^ c) & (b ^ c)) ^ c with a its own
//     value, b and c words 0 and 2 of the row before; words 1-3 copied from
//     the row before.
//   read (rows 1-19): word 0 = b | (a & c), written to the row before too
//     (SameBoy Core/memory.c GB_trigger_oam_bug_read; Pan Docs only names
//     the current row); words 1-3 copied from the row before.
//   read during an increment (rows 4-18, then the read above): word 0 of
//     the row before = (b & (a | c | d)) | (a & c & d) with a word 0 two
//     rows back, b its own value, c word 0 of the row read, d word 2 of the
//     row before; then that whole row is copied to the row read and to the
//     row two back.
// A write during an increment acts as one write. SameBoy's newer DMG model
// of reads on rows 0 mod 4 (instance specific by its own account) is not
// followed.
#include <cstdint>

#include "actors/gb/console.hpp"

namespace dreamer::gb {

// Byte offset in OAM of the row the OAM scan reads in this M-cycle, or 0
// when no row can be corrupted (row 0, the last M-cycle of the scan, not in
// the scan at all). Mode 2 begins at dot 4 and VRAM locks at dot 80.
DREAMER_HD_INLINE int oam_scan_row(const PpuState& ppu) {
  return ppu.lcd_on && ppu.mode == 2 && !ppu.vram_locked ? static_cast<int>(ppu.line_dot * 2) : 0;
}

DREAMER_HD_NOINLINE void oam_corrupt_write(std::uint8_t* oam, int row) {
  for (int i = 0; i < 2; ++i) {
    const std::uint8_t a = oam[row + i], b = oam[row - 8 + i], c = oam[row - 4 + i];
    oam[row + i] = static_cast<std::uint8_t>(((a ^ c) & (b ^ c)) ^ c);
  }
  for (int i = 2; i < 8; ++i) oam[row + i] = oam[row - 8 + i];
}

DREAMER_HD_NOINLINE void oam_corrupt_read(std::uint8_t* oam, int row) {
  for (int i = 0; i < 2; ++i) {
    const std::uint8_t a = oam[row + i], b = oam[row - 8 + i], c = oam[row - 4 + i];
    const std::uint8_t word = static_cast<std::uint8_t>(b | (a & c));
    oam[row + i] = word;
    oam[row - 8 + i] = word;
  }
  for (int i = 2; i < 8; ++i) oam[row + i] = oam[row - 8 + i];
}

// The increment's part only: the read that comes with it corrupts as a read.
DREAMER_HD_NOINLINE void oam_corrupt_read_increment(std::uint8_t* oam, int row) {
  if (row < 0x20 || row >= 0x98) return;
  for (int i = 0; i < 2; ++i) {
    const std::uint8_t a = oam[row - 16 + i], b = oam[row - 8 + i], c = oam[row + i], d = oam[row - 4 + i];
    oam[row - 8 + i] = static_cast<std::uint8_t>((b & (a | c | d)) | (a & c & d));
  }
  for (int i = 0; i < 8; ++i) {
    oam[row + i] = oam[row - 8 + i];
    oam[row - 16 + i] = oam[row - 8 + i];
  }
}

// A CPU write to FE00-FEFF, or the IDU stepping a register in that range.
DREAMER_HD_INLINE void oam_bug_write(Console& console) {
  const int row = oam_scan_row(console.ppu);
  if (row != 0) oam_corrupt_write(console.oam, row);
}

// A CPU read of FE00-FEFF.
DREAMER_HD_INLINE void oam_bug_read(Console& console) {
  const int row = oam_scan_row(console.ppu);
  if (row != 0) oam_corrupt_read(console.oam, row);
}

// The IDU stepping the address register of a read of FE00-FEFF in the same
// M-cycle (LD A,(HL+), LD A,(HL-), the first read of POP and RET); the read
// then corrupts as any read does.
DREAMER_HD_INLINE void oam_bug_read_increment(Console& console) {
  const int row = oam_scan_row(console.ppu);
  if (row != 0) oam_corrupt_read_increment(console.oam, row);
}

}  // namespace dreamer::gb
