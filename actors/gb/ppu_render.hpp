#pragma once
// Scanline renderer: turns VRAM/OAM and the PPU registers of one line into
// shades 0 (white) .. 3 (black) after the BGP/OBP0/OBP1 palettes.
//
// The PPU (ppu.hpp) calls it when the line enters mode 3, so register writes
// made between lines (and before mode 3 of a line) are honoured; a line with
// writes during mode 3 is drawn again by the pixel FIFO (ppu_fifo.hpp). Only lines a
// FrameSink asks for are rendered: all 144 for a full frame, the even ones
// for the 72x80 observation grid.
//
// DMG object rules: at most 10 objects per line, picked in OAM order; among
// overlapping opaque pixels the object with the smaller X wins, ties go to
// the lower OAM index; attribute bit 7 puts the object behind BG colours 1-3.
#include <cstdint>

#include "actors/gb/console.hpp"
#include "common/packed2.hpp"

namespace dreamer::gb {

inline constexpr int kMaxObjectsPerLine = 10;

// Indices of the objects on line ly (8x16 objects if tall), in OAM order.
// Returns how many (<= 10).
DREAMER_HD_NOINLINE int ppu_select_objects_sized(const Console& console, int ly, bool tall, std::uint8_t* indices) {
  const int height = tall ? 16 : 8;
  int count = 0;
  for (int i = 0; i < 40 && count < kMaxObjectsPerLine; ++i) {
    const int top = console.oam[4 * i] - 16;
    if (ly >= top && ly < top + height) indices[count++] = static_cast<std::uint8_t>(i);
  }
  return count;
}

// The same with the object size LCDC selects now.
DREAMER_HD_INLINE int ppu_select_objects(const Console& console, int ly, std::uint8_t* indices) {
  return ppu_select_objects_sized(console, ly, (console.io[0x40] & 0x04) != 0, indices);
}

DREAMER_HD_INLINE std::uint8_t ppu_tile_pixel(const Console& console, std::uint32_t tile_row_address, int column) {
  const std::uint8_t low = console.vram[tile_row_address];
  const std::uint8_t high = console.vram[tile_row_address + 1];
  const int bit = 7 - column;
  return static_cast<std::uint8_t>(((low >> bit) & 1) | (((high >> bit) & 1) << 1));
}

// VRAM offset of row `row` (0..7) of background/window tile `tile_index`.
DREAMER_HD_INLINE std::uint32_t ppu_bg_tile_row(std::uint8_t lcdc, std::uint8_t tile_index, int row) {
  const std::uint32_t base = (lcdc & 0x10) != 0
                                 ? tile_index * 16u
                                 : static_cast<std::uint32_t>(0x1000 + static_cast<std::int8_t>(tile_index) * 16);
  return base + 2u * static_cast<std::uint32_t>(row);
}

// Colour indices of screen pixels [x_begin, x_end) from a 32x32 tile map,
// starting at map pixel (first_map_x, map_y); decodes one tile row per 8 pixels.
DREAMER_HD_INLINE void ppu_fetch_tiles(const Console& console, std::uint8_t lcdc, std::uint32_t map_base,
                                       int first_map_x, int map_y, int x_begin, int x_end, std::uint8_t* color) {
  const std::uint32_t map_row = map_base + static_cast<std::uint32_t>(map_y >> 3) * 32u;
  int map_x = first_map_x;
  int x = x_begin;
  while (x < x_end) {
    const std::uint8_t tile = console.vram[map_row + ((map_x >> 3) & 31)];
    const std::uint32_t address = ppu_bg_tile_row(lcdc, tile, map_y & 7);
    const unsigned low = console.vram[address];
    const unsigned high = console.vram[address + 1];
    for (int column = map_x & 7; column < 8 && x < x_end; ++column, ++x, ++map_x) {
      const int bit = 7 - column;
      color[x] = static_cast<std::uint8_t>(((low >> bit) & 1u) | (((high >> bit) & 1u) << 1));
    }
  }
}

// Writes the 160 shades of line ly to the sink (only even columns are read
// when no full frame is wanted).
DREAMER_HD_INLINE void ppu_emit_line(const std::uint8_t* shade, int ly, const FrameSink& sink) {
  if (sink.full_frame != nullptr) {
    std::uint8_t* row = sink.full_frame + ly * kScreenWidth;
    for (int x = 0; x < kScreenWidth; ++x) row[x] = shade[x];
  }
  if (sink.observation != nullptr && (ly & 1) == 0) {
    std::uint8_t* row = sink.observation + (ly / 2) * packed2::kBytesPerRow;
    for (int b = 0; b < packed2::kBytesPerRow; ++b) {
      const std::uint8_t* p = shade + 8 * b;
      row[b] = packed2::pack_four(p[0], p[2], p[4], p[6]);
    }
  }
}

// objects/object_count: the line's objects in OAM order (ppu_select_objects).
DREAMER_HD_NOINLINE void ppu_render_line(const Console& console, int ly, bool window_visible,
                                         const std::uint8_t* objects, int object_count, const FrameSink& sink) {
  const std::uint8_t lcdc = console.io[0x40];
  const std::uint8_t scy = console.io[0x42];
  const std::uint8_t scx = console.io[0x43];
  const int wx = console.io[0x4B];
  std::uint8_t bg_color[kScreenWidth];
  std::uint8_t shade[kScreenWidth];

  if ((lcdc & 0x01) != 0) {
    const std::uint32_t bg_map = (lcdc & 0x08) != 0 ? 0x1C00u : 0x1800u;
    const std::uint32_t window_map = (lcdc & 0x40) != 0 ? 0x1C00u : 0x1800u;
    int window_start = window_visible ? wx - 7 : kScreenWidth;
    if (window_start < 0) window_start = 0;
    ppu_fetch_tiles(console, lcdc, bg_map, scx, (ly + scy) & 0xFF, 0, window_start, bg_color);
    if (window_start < kScreenWidth) {
      ppu_fetch_tiles(console, lcdc, window_map, window_start - (wx - 7), console.ppu.window_line, window_start,
                      kScreenWidth, bg_color);
    }
  } else {
    for (int x = 0; x < kScreenWidth; ++x) bg_color[x] = 0;
  }
  // Only even columns reach the observation grid; odd ones are skipped when
  // no full frame is wanted.
  const int step = sink.full_frame != nullptr ? 1 : 2;
  const std::uint8_t bgp = console.io[0x47];
  const std::uint8_t bg_palette[4] = {static_cast<std::uint8_t>(bgp & 3), static_cast<std::uint8_t>((bgp >> 2) & 3),
                                      static_cast<std::uint8_t>((bgp >> 4) & 3), static_cast<std::uint8_t>(bgp >> 6)};
  for (int x = 0; x < kScreenWidth; x += step) shade[x] = bg_palette[bg_color[x]];

  if ((lcdc & 0x02) != 0 && object_count > 0) {
    std::uint8_t indices[kMaxObjectsPerLine];
    const int count = object_count;
    for (int i = 0; i < count; ++i) indices[i] = objects[i];
    // Sort by X then OAM index (insertion sort; at most 10 entries).
    for (int i = 1; i < count; ++i) {
      const std::uint8_t key = indices[i];
      int j = i - 1;
      while (j >= 0 && console.oam[4 * indices[j] + 1] > console.oam[4 * key + 1]) {
        indices[j + 1] = indices[j];
        --j;
      }
      indices[j + 1] = key;
    }
    const bool tall = (lcdc & 0x04) != 0;
    std::uint8_t object_color[kScreenWidth] = {};
    std::uint8_t object_attr[kScreenWidth] = {};
    // Lowest priority first so that higher-priority opaque pixels overwrite.
    for (int k = count - 1; k >= 0; --k) {
      const std::uint8_t* entry = &console.oam[4 * indices[k]];
      const int top = entry[0] - 16;
      const int left = entry[1] - 8;
      const std::uint8_t attr = entry[3];
      int row = ly - top;
      if ((attr & 0x40) != 0) row = (tall ? 15 : 7) - row;
      std::uint8_t tile = entry[2];
      if (tall) tile &= 0xFE;
      const std::uint32_t row_address = tile * 16u + 2u * static_cast<std::uint32_t>(row);
      for (int column = 0; column < 8; ++column) {
        const int x = left + column;
        if (x < 0 || x >= kScreenWidth) continue;
        const std::uint8_t color = ppu_tile_pixel(console, row_address, (attr & 0x20) != 0 ? 7 - column : column);
        if (color == 0) continue;
        object_color[x] = color;
        object_attr[x] = attr;
      }
    }
    const std::uint8_t obp0 = console.io[0x48];
    const std::uint8_t obp1 = console.io[0x49];
    for (int x = 0; x < kScreenWidth; x += step) {
      if (object_color[x] == 0) continue;
      if ((object_attr[x] & 0x80) != 0 && bg_color[x] != 0) continue;
      const std::uint8_t palette = (object_attr[x] & 0x10) != 0 ? obp1 : obp0;
      shade[x] = (palette >> (2 * object_color[x])) & 3;
    }
  }

  ppu_emit_line(shade, ly, sink);
}

// Fills line ly of the sink with white (LCD off or line not drawn).
DREAMER_HD_NOINLINE void ppu_blank_line(int ly, const FrameSink& sink) {
  if (sink.full_frame != nullptr) {
    for (int x = 0; x < kScreenWidth; ++x) sink.full_frame[ly * kScreenWidth + x] = 0;
  }
  if (sink.observation != nullptr && (ly & 1) == 0) {
    for (int b = 0; b < packed2::kBytesPerRow; ++b) sink.observation[(ly / 2) * packed2::kBytesPerRow + b] = 0;
  }
}

}  // namespace dreamer::gb
