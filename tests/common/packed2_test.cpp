#include "common/packed2.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>
#include <vector>

namespace dreamer::packed2 {
namespace {

TEST(Packed2, LeftmostPixelLivesInTheLowBits) {
  EXPECT_EQ(pack_four(3, 0, 0, 0), 0b00000011);
  EXPECT_EQ(pack_four(0, 1, 0, 0), 0b00000100);
  EXPECT_EQ(pack_four(0, 0, 2, 0), 0b00100000);
  EXPECT_EQ(pack_four(0, 0, 0, 3), 0b11000000);
  EXPECT_EQ(pack_four(1, 2, 3, 0), 1 | 2 << 2 | 3 << 4);
}

TEST(Packed2, FrameSizesMatchTheContract) {
  EXPECT_EQ(kBytesPerRow, 20);
  EXPECT_EQ(kBytesPerFrame, 1440);
  EXPECT_EQ(kPixelsPerFrame, 5760);
}

TEST(Packed2, EveryByteRoundTripsThroughItsFourPixels) {
  for (int byte = 0; byte < 256; ++byte) {
    const auto b = static_cast<std::uint8_t>(byte);
    EXPECT_EQ(pack_four(unpack_one(b, 0), unpack_one(b, 1), unpack_one(b, 2), unpack_one(b, 3)), b);
  }
}

TEST(Packed2, EveryFourPixelGroupRoundTrips) {
  for (int p0 = 0; p0 < 4; ++p0)
    for (int p1 = 0; p1 < 4; ++p1)
      for (int p2 = 0; p2 < 4; ++p2)
        for (int p3 = 0; p3 < 4; ++p3) {
          const std::uint8_t b = pack_four(p0, p1, p2, p3);
          EXPECT_EQ(unpack_one(b, 0), p0);
          EXPECT_EQ(unpack_one(b, 1), p1);
          EXPECT_EQ(unpack_one(b, 2), p2);
          EXPECT_EQ(unpack_one(b, 3), p3);
        }
}

TEST(Packed2, WholeFramesRoundTripAndKeepRowMajorPixelOrder) {
  std::mt19937 generator(7);
  std::vector<std::uint8_t> shades(kPixelsPerFrame), packed(kBytesPerFrame), back(kPixelsPerFrame);
  for (auto& s : shades) s = static_cast<std::uint8_t>(generator() % 4);
  pack_frame(shades.data(), packed.data());
  unpack_frame(packed.data(), back.data());
  EXPECT_EQ(shades, back);
  // Pixel (row 5, column 13) is byte 5*20 + 3, position 1.
  EXPECT_EQ(unpack_one(packed[5 * 20 + 3], 1), shades[5 * 80 + 13]);
}

}  // namespace
}  // namespace dreamer::packed2
