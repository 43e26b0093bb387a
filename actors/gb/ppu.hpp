#pragma once
// PPU timing: lines, modes, LY/LYC, STAT interrupts, VBlank, frame boundary.
//
// The PPU is an event machine advanced 4 dots per M-cycle. Within a visible
// line the events are (dots from the start of the line):
//
//   0   4          80  84                 84+L-3          456
//   |   | mode 2   |   | mode 3 (render)   | mode 0        | next line
//   (a line with PPU register writes during mode 3 is drawn again by the
//   pixel FIFO when mode 3 ends: ppu_fifo.hpp)
//   LY changes; STAT reads mode 0 with LY==LYC clear; mode 2 interrupt
//                  VRAM reads blocked from dot 80
//
// L is the number of dots from the start of mode 3 until the pixel FIFO
// shifts out the line's last pixel (ppu_mode3_last_pixel); the mode 0 STAT
// interrupt fires at 84 + L - 4, one dot before STAT reads mode 0. Line 0
// after the LCD is switched on starts at dot 4 in mode 0 (no OAM scan), and
// its mode 3 lasts until 84 + L.
//
// Line 0 of a frame (after line 153) and line 144 differ by one M-cycle:
// line 0's mode 2 interrupt fires at dot 4, with STAT's mode 2, not at
// dot 0; on line 144 VBlank and the mode 2 interrupt fire at dot 0, but STAT
// reads mode 1 and the mode 1 interrupt fires at dot 4. Sources: SameBoy
// Core/display.c ("The OAM STAT interrupt occurs 1 T-cycle before STAT
// actually changes, except on line 0"); Mealybug Tearoom's STAT handler
// takes one M-cycle less on LY = 0 (JR NZ,+0) so that its mode-3 writes land
// on the same pixels of line 0 as of the other lines on hardware; mooneye
// intr_1_2_timing-GS pins the mode 1 -> line 0 mode 2 interval and
// vblank_stat_intr-GS VBlank = the line-144 mode 2 interrupt; the mGBA
// lockstep test pins the VBlank interrupt at dot 0.
// L = 172 + (SCX & 7) + the object and window stalls. Lines
// 144..153 are mode 1; on line 153 LY reads 0 from dot 4. The LY==LYC
// comparison is off in the first M-cycle of every line but line 0; on line
// 153 it compares 153 at dots 4-7 and 0 from dot 12 on into line 0
// (ppu_ly_for_comparison). The frame boundary
// is the start of line 144 (VBlank). While the LCD is off LY reads 0 and no
// interrupts fire, but the line counter keeps running so that a frame still
// lasts 70224 dots.
//
// STAT interrupts fire on the rising edge of the OR of the enabled conditions
// (so one condition that stays true blocks the others: "STAT blocking").
//
// DMG STAT-write glitch: a write to STAT acts for one dot as if every
// condition were enabled, then the written value takes over, so the write
// itself raises the interrupt when a condition is true and the line was low
// (Pan Docs "Spurious STAT interrupts"). The conditions it sees are HBlank,
// VBlank and LY=LYC; the mode 2 condition only as the pulse at the start of
// the line, not during the rest of the OAM scan (SameBoy Core/sm83_cpu.c
// GB_CONFLICT_STAT_DMG writes 0xFF for one T-cycle while its mode 2 source is
// already off; Gambatte's statChangeTriggersStatIrqDmg fires in mode 2/3
// only for LY=LYC). With the LCD off the retained LY=LYC flag still raises
// it unless its enable was already set (Gambatte, memory.cpp STAT write).
#include <cstdint>

#include "actors/gb/console.hpp"
#include "actors/gb/ppu_fifo.hpp"
#include "actors/gb/ppu_render.hpp"

namespace dreamer::gb {

inline constexpr std::uint32_t kMode3StartDot = 84;

enum PpuPhase : std::uint8_t {
  kPhaseMode3 = 0,       // next event: mode 2 -> mode 3 (dot 84)
  kPhaseHBlank = 1,      // next event: STAT reads mode 0
  kPhaseLineEnd = 2,     // next event: end of line
  kPhaseLine153 = 3,     // next event: LY becomes 0 on line 153
  kPhaseHBlankIrq = 4,   // next event: mode 0 interrupt (1 dot before STAT reads mode 0)
  kPhaseMode2 = 5,       // next event: STAT starts reading mode 2 and LY==LYC (dot 4)
  kPhaseVramLock = 6,    // next event: VRAM reads blocked, one M-cycle before mode 3 (dot 80)
  kPhaseVBlank = 7,      // next event: STAT reads mode 1, mode 1 interrupt (line 144, dot 4)
  kPhaseVBlankLyc = 8,   // next event: LY==LYC compares again (lines 145-152 dot 4, line 153 dot 12)
  kPhaseLine153Lyc = 9,  // next event: the comparison with 153 ends (line 153, dot 8)
};

static_assert(kPhaseLineEnd == kPhaseLineEndAfterDrawing, "ppu_fifo.hpp names this phase");

// pulse_mode: a mode whose interrupt condition fires now although STAT does
// not read that mode yet (mode 2 at line 144, mode 0 four dots early).
// The HBlank condition ends with the line: in the next line's first M-cycle
// STAT still reads mode 0, but the interrupt logic has moved on to the OAM
// scan, so a line held high by HBlank alone drops there and an LY==LYC match
// at dot 4 raises the interrupt again (docboy-test-suite
// oam_irq_clears_stat_irq_round1, a DMG result; SameBoy Core/display.c sets
// mode_for_interrupt to 2 before the line starts).
DREAMER_HD_NOINLINE void ppu_update_stat(Console& console, int pulse_mode = -1) {
  PpuState& ppu = console.ppu;
  if (!ppu.lcd_on) return;  // comparison clock stopped: flag and line are retained
  const std::uint8_t enable = console.io[0x41];
  const bool hblank = (ppu.mode == 0 && ppu.phase != kPhaseMode2) || pulse_mode == 0;
  const bool line =
      (((enable & 0x40) != 0 && ppu.lyc_match) || ((enable & 0x08) != 0 && hblank) ||
       ((enable & 0x10) != 0 && ppu.mode == 1) || ((enable & 0x20) != 0 && (ppu.mode == 2 || pulse_mode == 2)));
  if (line && !ppu.stat_line) console.interrupts.if_ |= kIntStat;
  ppu.stat_line = line;
}

// The LY value the LY==LYC comparison sees, -1 while it sees none. The
// comparison is off in the first M-cycle of every line but line 0 (which
// keeps comparing 0, as line 153 did since dot 12); on line 153 it sees 153
// for one M-cycle after LY already reads 0 (dots 4-7), nothing for the
// next, and 0 from dot 12. SameBoy Core/display.c (DMG: ly_for_comparison
// -1, then the line, on every line; 153, -1, 0 on line 153);
// docboy-test-suite ly_154_lyc_eq_ly_timing_round3 and _round4 (LYC = 0:
// STAT reads the flag clear at dots 4 and 8 of line 153, on a DMG).
DREAMER_HD_INLINE int ppu_ly_for_comparison(const PpuState& ppu) {
  switch (ppu.phase) {
    case kPhaseMode2:
      return ppu.line == 0 ? 0 : -1;
    case kPhaseVBlank:
    case kPhaseVBlankLyc:
    case kPhaseLine153:
      return -1;
    case kPhaseLine153Lyc:
      return 153;
    default:
      return ppu.ly;
  }
}

DREAMER_HD_INLINE void ppu_update_lyc(Console& console) {
  console.ppu.lyc_match = ppu_ly_for_comparison(console.ppu) == console.io[0x45];
}

// Dots from the start of mode 3 until the pixel FIFO shifts out the line's
// last pixel: 172 + (SCX & 7) on a line without objects or window;
// otherwise the FIFO model (ppu_fifo.hpp) is run over the line with the
// registers as mode 3 begins and its object fetches and window start add
// the dots they stall it, plus 4 when both the window and an object stall
// the same line. The mode 0 interrupt fires 4 dots before that last pixel
// and STAT reads mode 0 (and VRAM/OAM open) 3 dots before it, or at it on
// the line after the LCD is switched on (ppu_event). Fitted to hardware
// results: docboy-test-suite source/ppu/pixel_transfer_timing_*.asm and
// turn_on_pixel_transfer_timing_*.asm (STAT one M-cycle apart with SCX 0-7,
// objects at X = 0 and 32, the window at WX = 0-17, nine window-and-object
// lines) and mooneye hblank_ly_scx_timing-GS, intr_2_mode0_timing_sprites
// (the interrupt). The +4 is the only value that fits every
// window-and-object case. Writes during mode 3 do not change it (the
// FIFO replay of such a line only draws).
//
// The FIFO run costs a few hundred dots of work, and the lines of one row of
// objects share all its inputs, so the last result is kept (per run_frame,
// in the Bus: not part of the console's state) under what it depends on:
// LCDC.1 and LCDC.5, SCX & 7, WX, whether WY has matched, and the objects'
// X in OAM order.
struct PpuLineTimingMemo {
  std::uint8_t key[kMaxObjectsPerLine + 5];
  std::uint32_t length;
  bool valid;
};

DREAMER_HD_NOINLINE std::uint32_t ppu_mode3_last_pixel(const Console& console, bool window_visible,
                                                       const std::uint8_t* objects, int object_count,
                                                       PpuLineTimingMemo* memo) {
  const std::uint32_t plain = 172u + (console.io[0x43] & 7u);
  if (object_count == 0 && !window_visible) return plain;
  std::uint8_t key[kMaxObjectsPerLine + 5] = {};
  key[0] = static_cast<std::uint8_t>(object_count);
  key[1] = static_cast<std::uint8_t>(console.io[0x40] & 0x22);
  key[2] = static_cast<std::uint8_t>(console.io[0x43] & 7);
  key[3] = console.io[0x4B];
  key[4] = console.ppu.window_y_hit;
  for (int k = 0; k < object_count; ++k) key[5 + k] = console.oam[4 * objects[k] + 1];
  if (memo != nullptr && memo->valid) {
    bool same = true;
    for (int i = 0; i < kMaxObjectsPerLine + 5; ++i) same = same && memo->key[i] == key[i];
    if (same) return memo->length;
  }
  const FifoLineTiming timing = ppu_fifo_time_line(console, objects, object_count);
  std::uint32_t length = static_cast<std::uint32_t>(timing.last_pixel_dot) - kMode3StartDot;
  if (timing.window_started && timing.object_fetched) length += 4;
  if (memo != nullptr) {
    for (int i = 0; i < kMaxObjectsPerLine + 5; ++i) memo->key[i] = key[i];
    memo->length = length;
    memo->valid = true;
  }
  return length;
}

DREAMER_HD_NOINLINE void ppu_start_line(Console& console, const FrameSink* sink) {
  PpuState& ppu = console.ppu;
  if (ppu.line == kLinesPerFrame) {
    ppu.line = 0;
    ppu.window_line = 0;
    ppu.window_y_hit = 0;
  }
  ppu.phase = kPhaseLineEnd;
  ppu.next_event = kDotsPerLine;
  if (!ppu.lcd_on) {
    if (ppu.line < kScreenHeight && sink_wants_line(sink, ppu.line)) ppu_blank_line(ppu.line, *sink);
    if (ppu.line == kScreenHeight) ppu.frame_done = 1;
    return;
  }
  ppu.ly = ppu.line;
  if (ppu.line < kScreenHeight) {
    // For the first M-cycle STAT reads mode 0 with the LY==LYC flag clear,
    // but the mode 2 interrupt fires already, except on line 0, where it
    // fires with mode 2 one M-cycle later (see the top of this file) and
    // STAT still reads mode 1, as on line 153 (SameBoy Core/display.c keeps
    // the VBlank mode until the dot before mode 2 on the DMG's line 0;
    // docboy-test-suite boot_ppu_phase_round1: 7 NOPs after the boot ROM
    // read mode 1, round2: 8 NOPs read mode 2).
    if (ppu.line != 0) ppu.mode = 0;
    ppu.oam_locked = 1;
    ppu.phase = kPhaseMode2;
    ppu.next_event = 4;
    ppu_update_lyc(console);
    if (ppu.ly == console.io[0x4A]) ppu.window_y_hit = 1;
    ppu_update_stat(console, ppu.line == 0 ? -1 : 2);
  } else if (ppu.line == kScreenHeight) {
    // VBlank and the line-144 mode 2 interrupt fire now; STAT reads mode 1,
    // and the mode 1 interrupt fires, one M-cycle later (kPhaseVBlank).
    console.interrupts.if_ |= kIntVBlank;
    ppu.frame_done = 1;
    ppu.phase = kPhaseVBlank;
    ppu.next_event = 4;
    ppu_update_lyc(console);
    ppu_update_stat(console, 2);
  } else {
    ppu.phase = ppu.line == kLinesPerFrame - 1 ? kPhaseLine153 : kPhaseVBlankLyc;
    ppu.next_event = 4;
    ppu_update_lyc(console);
    ppu_update_stat(console);
  }
}

DREAMER_HD_NOINLINE void ppu_event(Console& console, const FrameSink* sink, PpuLineTimingMemo* memo = nullptr) {
  PpuState& ppu = console.ppu;
  while (ppu.line_dot >= ppu.next_event) {
    switch (ppu.phase) {
      case kPhaseMode3: {
        const bool window_visible = (console.io[0x40] & 0x20) != 0 && ppu.window_y_hit && console.io[0x4B] <= 166;
        ppu.mode = 3;
        ppu.oam_locked = 1;
        std::uint8_t objects[kMaxObjectsPerLine];
        const int object_count = (console.io[0x40] & 0x02) != 0 ? ppu_select_objects(console, ppu.ly, objects) : 0;
        // The line after the LCD is switched on had no OAM scan (VRAM not
        // locked yet): there STAT reads mode 0 at the last pixel itself.
        const std::uint32_t last_pixel =
            kMode3StartDot + ppu_mode3_last_pixel(console, window_visible, objects, object_count, memo);
        ppu.mode3_end = ppu.vram_locked ? last_pixel - 3 : last_pixel;
        ppu.vram_locked = 1;
        ppu.m3_write_count = 0;
        ppu.m3_closed = 0;
        ppu.m3_window_line = ppu.window_line;
        if (sink_wants_line(sink, ppu.ly)) {
          ppu_render_line(console, ppu.ly, window_visible, objects, object_count, *sink);
        }
        if (window_visible) ++ppu.window_line;
        ppu.phase = kPhaseHBlankIrq;
        ppu.next_event = last_pixel - 4;  // the mode 0 interrupt
        ppu_update_stat(console);
        break;
      }
      case kPhaseMode2:
        ppu.mode = 2;
        ppu.phase = kPhaseVramLock;
        ppu.next_event = kMode3StartDot - 4;
        ppu_update_lyc(console);
        ppu_update_stat(console);
        break;
      case kPhaseVramLock:
        ppu.vram_locked = 1;
        ppu.phase = kPhaseMode3;
        ppu.next_event = kMode3StartDot;
        break;
      case kPhaseHBlankIrq:
        ppu_update_stat(console, 0);
        ppu.phase = kPhaseHBlank;
        ppu.next_event = ppu.mode3_end;
        break;
      case kPhaseHBlank:
        ppu.mode = 0;
        ppu.oam_locked = 0;
        ppu.vram_locked = 0;
        ppu.phase = kPhaseLineEnd;
        ppu.next_event = kDotsPerLine;
        ppu_update_stat(console);
        break;
      case kPhaseVBlank:
        ppu.mode = 1;
        ppu.phase = kPhaseLineEnd;
        ppu.next_event = kDotsPerLine;
        ppu_update_lyc(console);
        ppu_update_stat(console);
        break;
      case kPhaseVBlankLyc:
        ppu.phase = kPhaseLineEnd;
        ppu.next_event = kDotsPerLine;
        ppu_update_lyc(console);
        ppu_update_stat(console);
        break;
      case kPhaseLine153:
        ppu.ly = 0;
        ppu.phase = kPhaseLine153Lyc;
        ppu.next_event = 8;
        ppu_update_lyc(console);
        ppu_update_stat(console);
        break;
      case kPhaseLine153Lyc:
        ppu.phase = kPhaseVBlankLyc;
        ppu.next_event = 12;
        ppu_update_lyc(console);
        ppu_update_stat(console);
        break;
      default:
        if (ppu.m3_write_count != 0) ppu_fifo_flush(console, sink);
        ppu.line_dot -= kDotsPerLine;
        ++ppu.line;
        ppu_start_line(console, sink);
        break;
    }
  }
}

DREAMER_HD_INLINE std::uint8_t ppu_read_stat(const Console& console) {
  const PpuState& ppu = console.ppu;
  return static_cast<std::uint8_t>(0x80 | (console.io[0x41] & 0x78) | (ppu.lyc_match ? 4 : 0) |
                                   (ppu.lcd_on ? ppu.mode : 0));
}

// True while a condition the STAT-write glitch sees is true: LY=LYC, VBlank,
// or HBlank (from the mode 0 interrupt, just before STAT reads mode 0; the
// first M-cycle of a line, which reads mode 0 and carries the mode 2 pulse,
// counts too).
DREAMER_HD_INLINE bool ppu_stat_write_glitch_condition(const PpuState& ppu) {
  return ppu.lyc_match || ppu.mode == 0 || ppu.mode == 1 || ppu.phase == kPhaseHBlank;
}

DREAMER_HD_INLINE void ppu_write_stat(Console& console, std::uint8_t value) {
  const PpuState& ppu = console.ppu;
  const bool glitch = ppu.lcd_on ? ppu_stat_write_glitch_condition(ppu) && !ppu.stat_line
                                 : ppu.lyc_match && (console.io[0x41] & 0x40) == 0;
  if (glitch) console.interrupts.if_ |= kIntStat;
  console.io[0x41] = value & 0x78;
  ppu_update_stat(console);
}

DREAMER_HD_INLINE void ppu_write_lyc(Console& console, std::uint8_t value) {
  console.io[0x45] = value;
  if (console.ppu.lcd_on) {
    ppu_update_lyc(console);
    ppu_update_stat(console);
  }
}

DREAMER_HD_NOINLINE void ppu_write_lcdc(Console& console, std::uint8_t value) {
  PpuState& ppu = console.ppu;
  const bool was_on = ppu.lcd_on != 0;
  const bool now_on = (value & 0x80) != 0;
  console.io[0x40] = value;
  if (was_on && !now_on) {
    ppu.lcd_on = 0;
    ppu.m3_write_count = 0;
    ppu.ly = 0;
    ppu.mode = 0;
    ppu.oam_locked = 0;
    ppu.vram_locked = 0;
    ppu.phase = kPhaseLineEnd;
    ppu.next_event = kDotsPerLine;
  } else if (!was_on && now_on) {
    // Line 0 after enabling starts without an OAM scan (mode reads 0).
    ppu.lcd_on = 1;
    ppu.line = 0;
    ppu.line_dot = 4;  // line 0 after enabling is 4 dots short
    ppu.ly = 0;
    ppu.mode = 0;
    ppu.window_line = 0;
    ppu.window_y_hit = console.io[0x4A] == 0;
    ppu.phase = kPhaseMode3;
    ppu.next_event = kMode3StartDot;
    ppu_update_lyc(console);
    ppu_update_stat(console);
  }
}

// M-cycles until ppu_event has work: the tick that reaches next_event.
DREAMER_HD_INLINE std::uint32_t ppu_cycles_to_event(const PpuState& ppu) {
  return (ppu.next_event - ppu.line_dot + 3) / 4;
}

}  // namespace dreamer::gb
