#pragma once
// packed2: the observation format. A 72x80 frame of shades 0 (white) .. 3
// (black) is packed four pixels per byte, leftmost pixel in bits 0-1:
//
//   byte = p0 | p1 << 2 | p2 << 4 | p3 << 6        (72 rows x 20 bytes = 1440 B)
//
// The functions are DREAMER_HD so that the emulator's CUDA kernels and the
// CPU backend share them.
#include <cstddef>
#include <cstdint>

#include "common/host_device.hpp"

namespace dreamer::packed2 {

inline constexpr int kHeight = 72;
inline constexpr int kWidth = 80;
inline constexpr int kBytesPerRow = kWidth / 4;                // 20
inline constexpr int kPixelsPerFrame = kHeight * kWidth;       // 5760
inline constexpr int kBytesPerFrame = kHeight * kBytesPerRow;  // 1440

DREAMER_HD_INLINE constexpr std::uint8_t pack_four(std::uint8_t p0, std::uint8_t p1, std::uint8_t p2, std::uint8_t p3) {
  return static_cast<std::uint8_t>((p0 & 3) | (p1 & 3) << 2 | (p2 & 3) << 4 | (p3 & 3) << 6);
}

DREAMER_HD_INLINE constexpr std::uint8_t unpack_one(std::uint8_t byte, int position) {
  return static_cast<std::uint8_t>((byte >> (2 * position)) & 3);
}

// shades: kPixelsPerFrame values in 0..3 (higher bits are ignored);
// packed: kBytesPerFrame bytes.
DREAMER_HD_INLINE void pack_frame(const std::uint8_t* shades, std::uint8_t* packed) {
  for (int i = 0; i < kBytesPerFrame; ++i) {
    const std::uint8_t* p = shades + 4 * i;
    packed[i] = pack_four(p[0], p[1], p[2], p[3]);
  }
}

DREAMER_HD_INLINE void unpack_frame(const std::uint8_t* packed, std::uint8_t* shades) {
  for (int i = 0; i < kBytesPerFrame; ++i) {
    for (int k = 0; k < 4; ++k) shades[4 * i + k] = unpack_one(packed[i], k);
  }
}

}  // namespace dreamer::packed2
