#pragma once
// Mode-3 pixel FIFO: redraws a line on which the CPU wrote LCDC, SCY, SCX,
// BGP, OBP0, OBP1 or WX while the line was being drawn, so that each write
// lands at the pixel the hardware was fetching or shifting out at that dot.
//
// Lines without such writes keep the whole-line renderer (ppu_render.hpp),
// which runs when mode 3 begins. A write during mode 3 of any line of a
// frame being rendered is logged (ppu_note_mode3_write, with the registers as
// mode 3 began); at the end of the line (or earlier in its HBlank, just
// before the CPU or OAM DMA writes VRAM or OAM: ppu_fifo_flush),
// ppu_fifo_render_line replays it dot by dot from those registers, applying
// each logged write at its dot, and overwrites the line if the FrameSink
// wants it. PPU timing (mode 3 length,
// STAT) is not affected: it stays with ppu.hpp. The replay only feeds the
// picture: it sets the window line counter (which only the renderers read),
// and it runs on every line of a rendered frame, so a frame drawn for the
// observation and one drawn in full agree on every line they share.
//
// The model (Pan Docs "Pixel FIFO"; SameBoy Core/display.c and the DMG
// write-conflict table in Core/sm83_cpu.c, read for the facts):
// - The FIFO starts holding 8 junk pixels, and the pixel counter starts at
//   -(SCX & 7) - 8: junk and fine-scroll pixels are shifted out undrawn.
// - The background fetcher takes 8 dots per tile: sleep, tile number (map
//   from LCDC.3/LCDC.6, row from LY + SCY, column from SCX / 8 plus its own
//   counter), sleep, low byte, sleep, high byte (both with LCDC.4 and the SCY
//   of that dot), then pushes 8 pixels once the FIFO is empty.
// - One pixel is shifted out per dot; BGP/OBP and LCDC.0/LCDC.1 are read as
//   the pixel goes out.
// - The window starts when WX == pixel counter + 7 (WX = 0: a table by
//   SCX & 7); the FIFO is cleared and the fetcher restarts on the window
//   map. It also starts one pixel earlier, shifting the LCD left by one
//   pixel, unless WX was written in that dot (the LCD then repeats its last
//   pixel at the end of the line). Clearing LCDC.5 drops back to the
//   background at the next tile-number fetch. With the window on, a WX equal
//   to the counter + 7 again while the fetcher is idle with 8 pixels in the
//   FIFO inserts one colour-0 pixel; with the window off after WY matched,
//   a push at which WX equals the counter + 7 (0 past 167) puts a single
//   colour-0 pixel in the FIFO instead of the tile, unless LCDC.5 was
//   cleared while a window tile was being fetched (SameBoy issue 278; only
//   the drawing replay applies this one, not the timing runs of ppu.hpp).
// - An object whose X equals the counter + 8 (LCDC.1 on) stalls the FIFO:
//   the fetcher first finishes its tile, an object at X = 0 waits SCX & 7
//   more dots, then 6 dots fetch its row (size from LCDC.2 as each byte is
//   read). Clearing LCDC.1 during the fetch aborts it.
// - Write timing on the DMG, relative to the dot the core's CPU write
//   happens at (line_dot after the M-cycle's tick): SCX, SCY land one dot
//   early; BGP/OBP0/OBP1 read old | new two dots early, then new one dot
//   early; LCDC reads old | (new & 1) two dots early (and clearing LCDC.0 or
//   LCDC.1 then takes effect at once if the first pixel is next, clearing
//   LCDC.1 during an object fetch too), then new.
//   WX lands on the dot.
#include <cstdint>

#include "actors/gb/console.hpp"
#include "actors/gb/ppu_render.hpp"

namespace dreamer::gb {

// PpuPhase kPhaseLineEnd (ppu.hpp): after HBlank began, the line end is next.
inline constexpr std::uint8_t kPhaseLineEndAfterDrawing = 2;

// line_dot at which the FIFO shifts its first (junk) pixel.
inline constexpr int kFifoStartDot = 89;

DREAMER_HD_INLINE bool sink_wants_line(const FrameSink* sink, int ly) {
  return sink != nullptr && (sink->full_frame != nullptr || (sink->observation != nullptr && (ly & 1) == 0));
}

// Called before a write to LCDC, SCY, SCX, BGP, OBP0, OBP1 or WX is applied.
DREAMER_HD_NOINLINE void ppu_note_mode3_write(Console& console, const FrameSink* sink, std::uint8_t reg,
                                              std::uint8_t value) {
  PpuState& ppu = console.ppu;
  // Mode 3, or the first dots of HBlank (a write there can land on the last
  // pixels: the line is redrawn at the end of the line, not of mode 3).
  const bool drawing = ppu.mode == 3 || (ppu.mode == 0 && ppu.phase == kPhaseLineEndAfterDrawing &&
                                         ppu.line < kScreenHeight && ppu.line_dot < ppu.mode3_end + 8);
  // Every line of a rendered frame is logged, not only the ones drawn, so
  // that the window line counter follows the replay on all of them.
  const bool renders = sink != nullptr && (sink->full_frame != nullptr || sink->observation != nullptr);
  if (!drawing || !ppu.lcd_on || !renders || ppu.m3_closed) return;
  if (reg == 0x40 && (value & 0x80) == 0) return;  // LCD off: the line is not finished
  if (ppu.m3_write_count == 0) {
    // PpuState::m3_regs order (a local table: the CUDA build reads no host arrays).
    const std::uint8_t registers[7] = {0x40, 0x42, 0x43, 0x47, 0x48, 0x49, 0x4B};
    for (int i = 0; i < 7; ++i) ppu.m3_regs[i] = console.io[registers[i]];
  }
  if (ppu.m3_write_count < kMode3WriteLog) {
    PpuWrite& write = ppu.m3_writes[ppu.m3_write_count++];
    write.dot = static_cast<std::uint16_t>(ppu.line_dot);
    write.reg = reg;
    write.value = value;
  }
}

struct FifoObjectPixel {
  std::uint8_t color;
  std::uint8_t obp1;
  std::uint8_t behind_bg;
};

struct PpuFifo {
  const Console* console;
  std::uint8_t lcdc, scy, scx, bgp, obp0, obp1, wx;
  std::uint8_t ly;
  std::uint8_t wy_triggered;
  int window_y;
  // Logged writes and where the replay stands.
  const PpuWrite* writes;
  int write_count;
  int next_write;
  int write_phase;  // 0: the write's first stage is due, 1: its second
  int dot;          // line_dot of the dot being run
  int wx_changed_dot;
  // Background FIFO (colour indices) and object FIFO, rings of 16.
  std::uint8_t bg[16];
  int bg_read, bg_size;
  FifoObjectPixel obj[16];
  int obj_read, obj_size;
  // Fetcher.
  int fetcher_state;
  std::uint8_t fetcher_x, window_tile_x, tile, data_low, data_high;
  std::uint8_t pos;  // pixel counter (wraps: 241..255 are discarded)
  int lcd_x;
  bool wx_triggered, window_is_being_fetched;
  // Objects left on the line, sorted so that the next one is last.
  std::uint8_t objects[kMaxObjectsPerLine];
  std::uint8_t object_x[kMaxObjectsPerLine];
  int object_count;
  int extra_penalty;
  int objects_fetched;
  bool during_object_fetch, object_fetch_aborted;
  bool timing_only;                    // no writes, nothing drawn: quiet tiles may be skipped (fifo_skip_tile)
  bool window_off_insertion_disabled;  // LCDC.5 was cleared while a window tile was fetched
  std::uint8_t shade[kScreenWidth];
};

// Line dot at which stage `phase` of a logged write lands; -1: no such stage.
DREAMER_HD_INLINE int fifo_write_land_dot(const PpuWrite& write, int phase) {
  const int dot = write.dot;
  switch (write.reg) {
    case 0x40:
    case 0x47:
    case 0x48:
    case 0x49:
      return phase == 0 ? dot - 2 : dot - 1;
    case 0x42:
    case 0x43:
      return phase == 0 ? dot - 1 : -1;
    default:  // WX
      return phase == 0 ? dot : -1;
  }
}

DREAMER_HD_INLINE std::uint8_t* fifo_register(PpuFifo& f, std::uint8_t reg) {
  switch (reg) {
    case 0x40:
      return &f.lcdc;
    case 0x42:
      return &f.scy;
    case 0x43:
      return &f.scx;
    case 0x47:
      return &f.bgp;
    case 0x48:
      return &f.obp0;
    case 0x49:
      return &f.obp1;
    default:
      return &f.wx;
  }
}

DREAMER_HD_INLINE void fifo_set_lcdc(PpuFifo& f, std::uint8_t value) {
  if ((f.lcdc & 0x02) != 0 && (value & 0x02) == 0 && f.during_object_fetch) f.object_fetch_aborted = true;
  f.lcdc = value;
}

// Applies every write stage due at or before f.dot.
DREAMER_HD_NOINLINE void fifo_apply_writes(PpuFifo& f) {
  while (f.next_write < f.write_count) {
    const PpuWrite& write = f.writes[f.next_write];
    const int land = fifo_write_land_dot(write, f.write_phase);
    if (land > f.dot) break;
    std::uint8_t* reg = fifo_register(f, write.reg);
    const bool two_stage = fifo_write_land_dot(write, 1) >= 0;
    if (two_stage && f.write_phase == 0) {
      if (write.reg == 0x40) {
        std::uint8_t early = static_cast<std::uint8_t>(f.lcdc | (write.value & 0x01));
        // Turning the background or objects off is early too when the
        // line's first pixel is next out, and turning objects off is early
        // (aborting it) during an object fetch.
        const std::uint8_t turned_off = static_cast<std::uint8_t>(f.lcdc & ~write.value);
        if (f.pos == 0) early &= static_cast<std::uint8_t>(~(turned_off & 0x03));
        if (f.during_object_fetch) early &= static_cast<std::uint8_t>(~(turned_off & 0x02));
        fifo_set_lcdc(f, early);
      } else {
        *reg = static_cast<std::uint8_t>(*reg | write.value);
      }
      f.write_phase = 1;
      continue;
    }
    if (write.reg == 0x40) {
      if ((f.lcdc & 0x20) != 0 && (write.value & 0x20) == 0 && f.window_is_being_fetched) {
        f.window_off_insertion_disabled = true;
      }
      fifo_set_lcdc(f, write.value);
    } else {
      *reg = write.value;
      if (write.reg == 0x4B) f.wx_changed_dot = land;
    }
    f.write_phase = 0;
    ++f.next_write;
  }
}

DREAMER_HD_INLINE void fifo_pass_dot(PpuFifo& f) {
  ++f.dot;
  fifo_apply_writes(f);
}

DREAMER_HD_INLINE void fifo_push_bg(PpuFifo& f) {
  for (int i = 0; i < 8; ++i) {
    const int bit = 7 - i;
    f.bg[(f.bg_read + f.bg_size) & 15] =
        static_cast<std::uint8_t>(((f.data_low >> bit) & 1) | (((f.data_high >> bit) & 1) << 1));
    ++f.bg_size;
  }
}

DREAMER_HD_INLINE std::uint32_t fifo_bg_tile_address(const PpuFifo& f) {
  const std::uint8_t y =
      f.wx_triggered ? static_cast<std::uint8_t>(f.window_y) : static_cast<std::uint8_t>(f.ly + f.scy);
  return ppu_bg_tile_row(f.lcdc, f.tile, y & 7);
}

DREAMER_HD_NOINLINE void fifo_advance_fetcher(PpuFifo& f) {
  const Console& console = *f.console;
  switch (f.fetcher_state & 7) {
    case 1: {
      if ((f.lcdc & 0x20) == 0) f.wx_triggered = false;
      std::uint32_t map = 0x1800;
      if (f.wx_triggered ? (f.lcdc & 0x40) != 0 : (f.lcdc & 0x08) != 0) map = 0x1C00;
      std::uint8_t y;
      std::uint8_t x;
      if (f.wx_triggered) {
        y = static_cast<std::uint8_t>(f.window_y);
        x = f.window_tile_x;
      } else {
        y = static_cast<std::uint8_t>(f.ly + f.scy);
        x = static_cast<std::uint8_t>(((f.scx >> 3) + f.fetcher_x) & 31);
      }
      f.tile = console.vram[map + x + (y >> 3) * 32u];
      ++f.fetcher_state;
      return;
    }
    case 3:
      f.data_low = console.vram[fifo_bg_tile_address(f)];
      ++f.fetcher_state;
      return;
    case 5:
      f.data_high = console.vram[fifo_bg_tile_address(f) + 1];
      if (f.wx_triggered) f.window_tile_x = (f.window_tile_x + 1) & 31;
      break;  // on to the push below
    case 6:
    case 7:
      break;
    default:  // sleep
      ++f.fetcher_state;
      return;
  }
  // Push: the map column advances only when the fetcher reaches state 6.
  if (f.fetcher_state == 6) f.fetcher_x = (f.fetcher_x + 1) & 31;
  if (f.fetcher_state < 7) ++f.fetcher_state;
  if (f.bg_size > 0) return;
  // With the window off after WY matched, a push where WX equals the counter
  // + 7 (0 past 167) puts one colour-0 pixel in the FIFO instead of the tile
  // (drawing only: timing runs leave it out, see the top of this file).
  if (!f.timing_only && f.wy_triggered && (f.lcdc & 0x20) == 0 && !f.window_off_insertion_disabled) {
    std::uint8_t logical = static_cast<std::uint8_t>(f.pos + 7);
    if (logical > 167) logical = 0;
    if (f.wx == logical) {
      f.bg_read = (f.bg_read + 15) & 15;
      f.bg[f.bg_read] = 0;
      f.bg_size = 1;
      return;
    }
  }
  fifo_push_bg(f);
  f.fetcher_state = 0;
}

DREAMER_HD_INLINE std::uint32_t fifo_object_row_address(const PpuFifo& f, int index) {
  const std::uint8_t* entry = &f.console->oam[4 * index];
  const bool tall = (f.lcdc & 0x04) != 0;
  const int mask = tall ? 15 : 7;
  int row = (f.ly - entry[0]) & mask;
  if ((entry[3] & 0x40) != 0) row ^= mask;
  const std::uint8_t tile = tall ? static_cast<std::uint8_t>(entry[2] & 0xFE) : entry[2];
  return tile * 16u + 2u * static_cast<std::uint32_t>(row);
}

DREAMER_HD_NOINLINE void fifo_overlay_object(PpuFifo& f, int index, std::uint8_t low, std::uint8_t high) {
  const std::uint8_t attr = f.console->oam[4 * index + 3];
  while (f.obj_size < 8) {
    FifoObjectPixel& p = f.obj[(f.obj_read + f.obj_size) & 15];
    p.color = 0;
    p.obp1 = 0;
    p.behind_bg = 0;
    ++f.obj_size;
  }
  for (int i = 0; i < 8; ++i) {
    const int bit = (attr & 0x20) != 0 ? i : 7 - i;
    const std::uint8_t color = static_cast<std::uint8_t>(((low >> bit) & 1) | (((high >> bit) & 1) << 1));
    FifoObjectPixel& target = f.obj[(f.obj_read + i) & 15];
    if (color != 0 && target.color == 0) {
      target.color = color;
      target.obp1 = (attr & 0x10) != 0 ? 1 : 0;
      target.behind_bg = (attr & 0x80) != 0 ? 1 : 0;
    }
  }
}

DREAMER_HD_NOINLINE void fifo_render_pixel(PpuFifo& f) {
  if (f.bg_size == 0) return;
  const std::uint8_t bg_color = f.bg[f.bg_read];
  f.bg_read = (f.bg_read + 1) & 15;
  --f.bg_size;
  bool draw_object = false;
  FifoObjectPixel object = {0, 0, 0};
  if (f.obj_size > 0) {
    object = f.obj[f.obj_read];
    f.obj_read = (f.obj_read + 1) & 15;
    --f.obj_size;
    draw_object = object.color != 0 && (f.lcdc & 0x02) != 0;
  }
  if (f.pos >= kScreenWidth) {
    ++f.pos;
    return;
  }
  const std::uint8_t color = (f.lcdc & 0x01) != 0 ? bg_color : 0;
  if (color != 0 && object.behind_bg) draw_object = false;
  std::uint8_t shade = (f.bgp >> (2 * color)) & 3;
  if (draw_object) shade = ((object.obp1 ? f.obp1 : f.obp0) >> (2 * object.color)) & 3;
  if (f.lcd_x < kScreenWidth) f.shade[f.lcd_x] = shade;
  ++f.pos;
  ++f.lcd_x;
  f.window_is_being_fetched = false;
}

// Window start check of one dot (DMG).
DREAMER_HD_NOINLINE void fifo_window(PpuFifo& f) {
  if (!f.wx_triggered && f.wy_triggered && (f.lcdc & 0x20) != 0) {
    bool start = false;
    if (f.wx == 0) {
      const std::uint8_t wx0_pos[8] = {249, 247, 246, 245, 244, 243, 242, 242};  // -7, -9, ... -14
      start = f.pos == wx0_pos[f.scx & 7];
    } else if (f.wx < 166) {
      if (f.wx == static_cast<std::uint8_t>(f.pos + 7)) {
        start = true;
      } else if (f.wx == static_cast<std::uint8_t>(f.pos + 6) && f.wx_changed_dot != f.dot) {
        start = true;
        if (f.lcd_x > 0) --f.lcd_x;  // the LCD and the PPU fall out of step by a pixel
      }
    }
    if (start) {
      ++f.window_y;
      if (f.wx == 0 && (f.scx & 7) != 0) fifo_pass_dot(f);
      f.wx_triggered = true;
      f.window_tile_x = 0;
      f.bg_read = 0;
      f.bg_size = 0;
      f.fetcher_state = 0;
      f.window_is_being_fetched = true;
    }
  }
  if (f.wx_triggered && !f.window_is_being_fetched && f.fetcher_state == 0 && f.bg_size == 8 &&
      f.wx == static_cast<std::uint8_t>(f.pos + 7)) {
    f.bg_read = (f.bg_read + 15) & 15;
    f.bg[f.bg_read] = 0;
    ++f.bg_size;
  }
}

// Passes one dot of an object fetch; true if LCDC.1 was cleared meanwhile.
DREAMER_HD_INLINE bool fifo_object_dot(PpuFifo& f) {
  fifo_pass_dot(f);
  return f.object_fetch_aborted;
}

// Fetches the objects at the current pixel (the FIFO stalls meanwhile).
DREAMER_HD_NOINLINE void fifo_objects(PpuFifo& f) {
  while (f.object_count > 0 && (f.pos < kScreenWidth || f.pos >= 248) &&
         f.object_x[f.object_count - 1] < static_cast<std::uint8_t>(f.pos + 8)) {
    --f.object_count;
  }
  f.during_object_fetch = true;
  while (f.object_count > 0 && (f.lcdc & 0x02) != 0 &&
         f.object_x[f.object_count - 1] == static_cast<std::uint8_t>(f.pos + 8)) {
    bool aborted = false;
    while (!aborted && (f.fetcher_state < 5 || f.bg_size == 0)) {
      fifo_advance_fetcher(f);
      aborted = fifo_object_dot(f);
    }
    if (!aborted && f.extra_penalty != 0 && f.object_x[f.object_count - 1] == 0) {
      for (int i = 0; i < f.extra_penalty && !aborted; ++i) aborted = fifo_object_dot(f);
      f.extra_penalty = 0;
    }
    if (!aborted) {
      fifo_advance_fetcher(f);
      aborted = fifo_object_dot(f);
    }
    if (!aborted) {
      fifo_advance_fetcher(f);
      for (int i = 0; i < 3 && !aborted; ++i) aborted = fifo_object_dot(f);
    }
    if (aborted) break;
    const int index = f.objects[f.object_count - 1];
    const std::uint32_t low_address = fifo_object_row_address(f, index);
    if (fifo_object_dot(f)) break;
    f.during_object_fetch = false;
    fifo_pass_dot(f);
    const std::uint32_t high_address = fifo_object_row_address(f, index);
    fifo_overlay_object(f, index, f.console->vram[low_address], f.console->vram[high_address + 1]);
    --f.object_count;
    ++f.objects_fetched;
  }
  f.object_fetch_aborted = false;
  f.during_object_fetch = false;
}

// Sets the replay up at the first dot of mode 3 of line ly: registers
// `regs` in PpuState::m3_regs order, the window line counter as the line
// began, the logged writes (none for a timing run) and the line's objects
// (OAM scan order; sorted here by descending X, equal X by descending OAM
// index, so that the next object is last).
DREAMER_HD_NOINLINE void fifo_begin(PpuFifo& f, const Console& console, const std::uint8_t* regs, int window_line,
                                    const PpuWrite* writes, int write_count, const std::uint8_t* found,
                                    int found_count) {
  f.console = &console;
  f.lcdc = regs[0];
  f.scy = regs[1];
  f.scx = regs[2];
  f.bgp = regs[3];
  f.obp0 = regs[4];
  f.obp1 = regs[5];
  f.wx = regs[6];
  f.ly = console.ppu.ly;
  f.wy_triggered = console.ppu.window_y_hit;
  f.window_y = window_line - 1;
  f.writes = writes;
  f.write_count = write_count;
  f.next_write = 0;
  f.write_phase = 0;
  f.dot = kFifoStartDot;
  f.wx_changed_dot = -1;
  f.bg_read = 0;
  f.bg_size = 0;
  f.obj_read = 0;
  f.obj_size = 0;
  f.fetcher_state = 0;
  f.fetcher_x = 0;
  f.window_tile_x = 0;
  f.tile = 0;
  f.data_low = 0;
  f.data_high = 0;
  f.lcd_x = 0;
  f.wx_triggered = false;
  f.window_is_being_fetched = false;
  f.during_object_fetch = false;
  f.object_fetch_aborted = false;
  f.objects_fetched = 0;
  f.timing_only = false;
  f.window_off_insertion_disabled = false;
  f.object_count = 0;
  for (int k = 0; k < found_count; ++k) {
    const std::uint8_t x = console.oam[4 * found[k] + 1];
    int j = f.object_count;
    while (j > 0 && f.object_x[j - 1] <= x) {
      f.object_x[j] = f.object_x[j - 1];
      f.objects[j] = f.objects[j - 1];
      --j;
    }
    f.object_x[j] = x;
    f.objects[j] = found[k];
    ++f.object_count;
  }
}

// The pixel counter as a signed position: the junk and fine-scroll pixels
// (counter 240..255) come before pixel 0.
DREAMER_HD_INLINE int fifo_linear_pos(std::uint8_t pos) { return pos >= 240 ? pos - 256 : pos; }

// Timing runs only. With a fresh tile just pushed (fetcher idle, 8 pixels
// in the FIFO), the next 8 dots shift out those 8 pixels while the fetcher
// fetches the next tile and pushes it on the 8th: the same state 8 pixels
// on. When no object, window start or line end falls within those pixels,
// this does those 8 dots at once. True if it did.
DREAMER_HD_NOINLINE bool fifo_skip_tile(PpuFifo& f) {
  if (f.fetcher_state != 0 || f.bg_size != 8) return false;
  const int at = fifo_linear_pos(f.pos);
  if (at + 8 >= kScreenWidth) return false;
  if (f.object_count > 0 && (f.lcdc & 0x02) != 0 && f.object_x[f.object_count - 1] - 8 < at + 8) return false;
  if (f.wy_triggered && (f.lcdc & 0x20) != 0) {
    if (f.wx_triggered) {
      if (static_cast<std::uint8_t>(f.wx - 7 - f.pos) < 8) return false;
    } else if (f.wx == 0 ? at < 0 : (f.wx < 166 && f.wx - 6 >= at && f.wx - 7 < at + 8)) {
      return false;
    }
  }
  const int drawn = (at + 8 > 0 ? at + 8 : 0) - (at > 0 ? at : 0);
  f.pos = static_cast<std::uint8_t>(f.pos + 8);
  f.dot += 8;
  f.fetcher_x = (f.fetcher_x + 1) & 31;
  if (f.wx_triggered) f.window_tile_x = (f.window_tile_x + 1) & 31;
  const int object_pixels = f.obj_size < 8 ? f.obj_size : 8;
  f.obj_read = (f.obj_read + object_pixels) & 15;
  f.obj_size -= object_pixels;
  f.lcd_x += drawn;
  if (drawn > 0) f.window_is_being_fetched = false;
  return true;
}

// Runs the line until its 160th pixel is out; returns the line dot of that
// pixel (256 + SCX & 7 on a line without objects or window).
DREAMER_HD_NOINLINE int fifo_run(PpuFifo& f) {
  fifo_apply_writes(f);
  // The 8 junk pixels, then SCX & 7 fine-scroll pixels, are shifted out undrawn.
  f.data_low = 0;
  f.data_high = 0;
  fifo_push_bg(f);
  f.pos = static_cast<std::uint8_t>(-static_cast<int>(f.scx & 7) - 8);
  f.extra_penalty = f.scx & 7;
  for (int guard = 0; guard < 1000; ++guard) {
    if (f.timing_only && fifo_skip_tile(f)) continue;
    fifo_window(f);
    fifo_objects(f);
    fifo_render_pixel(f);
    fifo_advance_fetcher(f);
    if (f.pos == kScreenWidth) break;
    fifo_pass_dot(f);
  }
  return f.dot;
}

// What a timing run of the replay (ppu_fifo_time_line) saw.
struct FifoLineTiming {
  int last_pixel_dot;   // line dot at which the 160th pixel is out
  bool window_started;  // the window started on the line
  bool object_fetched;  // at least one object was fetched
};

// Runs line ppu.ly with the registers as they are now and no writes to
// come, drawing nothing useful: the mode-3 timing of ppu.hpp starts from it.
// objects: the line's objects (ppu_select_objects; none when LCDC.1 is clear).
DREAMER_HD_NOINLINE FifoLineTiming ppu_fifo_time_line(const Console& console, const std::uint8_t* objects, int count) {
  const std::uint8_t regs[7] = {console.io[0x40], console.io[0x42], console.io[0x43], console.io[0x47],
                                console.io[0x48], console.io[0x49], console.io[0x4B]};
  PpuFifo f;
  fifo_begin(f, console, regs, console.ppu.window_line, nullptr, 0, objects, count);
  f.timing_only = true;
  FifoLineTiming timing;
  timing.last_pixel_dot = fifo_run(f);
  timing.window_started = f.window_y != static_cast<int>(console.ppu.window_line) - 1;
  timing.object_fetched = f.objects_fetched != 0;
  return timing;
}

// Replays line ppu.ly from the logged writes (see the top of this file),
// draws it if the sink wants it, and sets the window line counter from the
// window starts the replay saw (none, one, or more if the window was turned
// off and on again).
DREAMER_HD_NOINLINE void ppu_fifo_render_line(Console& console, const FrameSink& sink) {
  PpuState& ppu = console.ppu;
  // Objects of the line (OAM scan: size from LCDC as mode 3 began).
  std::uint8_t found[kMaxObjectsPerLine];
  const int found_count = ppu_select_objects_sized(console, ppu.ly, (ppu.m3_regs[0] & 0x04) != 0, found);
  PpuFifo f;
  fifo_begin(f, console, ppu.m3_regs, ppu.m3_window_line, ppu.m3_writes, ppu.m3_write_count, found, found_count);
  for (int x = 0; x < kScreenWidth; ++x) f.shade[x] = 0;
  fifo_run(f);
  // An LCD that fell a pixel behind the PPU repeats its last pixel to the end.
  for (int x = f.lcd_x; x < kScreenWidth; ++x) f.shade[x] = x == 0 ? 0 : f.shade[x - 1];
  ppu.window_line = static_cast<std::uint8_t>(f.window_y + 1);
  if (sink_wants_line(&sink, f.ly)) ppu_emit_line(f.shade, f.ly, sink);
}

// Replays the logged line now (call when m3_write_count != 0): at the end
// of the line, or in its HBlank before the CPU or OAM DMA changes VRAM or
// OAM, which the replay reads as they were while the line was drawn.
DREAMER_HD_NOINLINE void ppu_fifo_flush(Console& console, const FrameSink* sink) {
  if (sink != nullptr) ppu_fifo_render_line(console, *sink);
  console.ppu.m3_write_count = 0;
  console.ppu.m3_closed = 1;
}

}  // namespace dreamer::gb
