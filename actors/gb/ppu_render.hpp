#pragma once
// Scanline renderer: turns VRAM/OAM and the PPU registers of one line into
// shades 0 (white) .. 3 (black) after the BGP/OBP0/OBP1 palettes.
//
// The PPU (ppu.hpp) calls it when the line enters mode 3, so register writes
// made between lines (and before mode 3 of a line) are honoured. Only lines a
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

// Indices of the objects on line ly, in OAM order. Returns how many (<= 10).
DREAMER_HD_NOINLINE int ppu_select_objects(const Console& console, int ly, std::uint8_t* indices) {
  const int height = (console.io[0x40] & 0x04) != 0 ? 16 : 8;
  int count = 0;
  for (int i = 0; i < 40 && count < kMaxObjectsPerLine; ++i) {
    const int top = console.oam[4 * i] - 16;
    if (ly >= top && ly < top + height) indices[count++] = static_cast<std::uint8_t>(i);
  }
  return count;
}

DREAMER_HD_INLINE std::uint8_t ppu_tile_pixel(const Console& console, std::uint32_t tile_row_address,
                                              int column) {
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

DREAMER_HD_NOINLINE void ppu_render_line(const Console& console, int ly, bool window_visible,
                                       const FrameSink& sink) {
  const std::uint8_t lcdc = console.io[0x40];
  const std::uint8_t scy = console.io[0x42];
  const std::uint8_t scx = console.io[0x43];
  const int wx = console.io[0x4B];
  std::uint8_t bg_color[kScreenWidth];
  std::uint8_t shade[kScreenWidth];

  if ((lcdc & 0x01) != 0) {
    const std::uint32_t bg_map = (lcdc & 0x08) != 0 ? 0x1C00u : 0x1800u;
    const std::uint32_t window_map = (lcdc & 0x40) != 0 ? 0x1C00u : 0x1800u;
    const int bg_y = (ly + scy) & 0xFF;
    const int window_start = window_visible ? wx - 7 : kScreenWidth;
    for (int x = 0; x < kScreenWidth; ++x) {
      std::uint32_t map_address;
      int pixel_x;
      int pixel_y;
      if (x >= window_start) {
        pixel_x = x - window_start;
        pixel_y = console.ppu.window_line;
        map_address = window_map;
      } else {
        pixel_x = (x + scx) & 0xFF;
        pixel_y = bg_y;
        map_address = bg_map;
      }
      const std::uint8_t tile = console.vram[map_address + (pixel_y >> 3) * 32u + (pixel_x >> 3)];
      bg_color[x] = ppu_tile_pixel(console, ppu_bg_tile_row(lcdc, tile, pixel_y & 7), pixel_x & 7);
    }
  } else {
    for (int x = 0; x < kScreenWidth; ++x) bg_color[x] = 0;
  }
  const std::uint8_t bgp = console.io[0x47];
  for (int x = 0; x < kScreenWidth; ++x) shade[x] = (bgp >> (2 * bg_color[x])) & 3;

  if ((lcdc & 0x02) != 0) {
    std::uint8_t indices[kMaxObjectsPerLine];
    const int count = ppu_select_objects(console, ly, indices);
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
        const std::uint8_t color =
            ppu_tile_pixel(console, row_address, (attr & 0x20) != 0 ? 7 - column : column);
        if (color == 0) continue;
        object_color[x] = color;
        object_attr[x] = attr;
      }
    }
    const std::uint8_t obp0 = console.io[0x48];
    const std::uint8_t obp1 = console.io[0x49];
    for (int x = 0; x < kScreenWidth; ++x) {
      if (object_color[x] == 0) continue;
      if ((object_attr[x] & 0x80) != 0 && bg_color[x] != 0) continue;
      const std::uint8_t palette = (object_attr[x] & 0x10) != 0 ? obp1 : obp0;
      shade[x] = (palette >> (2 * object_color[x])) & 3;
    }
  }

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
