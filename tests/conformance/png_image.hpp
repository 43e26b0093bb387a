#pragma once
// Reads a PNG (any colour type) as 8-bit grayscale with libpng's simplified
// API; conformance tests compare the emulator's shades against reference
// screenshots drawn with the palette 00/55/AA/FF.
#include <cstdint>
#include <string>
#include <vector>

namespace dreamer::test {

struct GrayImage {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, one byte per pixel
};

// Throws dreamer::Error when the file cannot be read or decoded.
GrayImage read_gray_png(const std::string& path);

// Shade 0 (white) .. 3 (black) of a reference-palette gray value.
inline std::uint8_t gray_to_shade(std::uint8_t gray) { return static_cast<std::uint8_t>(3 - (gray + 0x2A) / 0x55); }

}  // namespace dreamer::test
