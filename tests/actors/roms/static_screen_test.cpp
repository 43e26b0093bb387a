// static_screen.gb under mGBA: the picture never changes, whatever the input.
#include "actors/gb/mgba_runner.hpp"
#include "tests/actors/roms/rom_paths.hpp"

#include <gtest/gtest.h>

#include <array>
#include <random>

namespace dreamer::testing {
using namespace mgba;  // the reference runner, its Frame and screen constants
namespace {

TEST(StaticScreenRom, FramesAreIdenticalAndNonBlankUnderAnyInput) {
  MgbaRunner runner = MgbaRunner::from_file(own_rom("static_screen.gb"));
  runner.run_frames(10, 0);
  const Frame reference = runner.frame();
  std::array<int, 4> counts{};
  for (std::uint8_t shade : reference) ++counts[shade];
  for (int shade = 0; shade < 4; ++shade) {
    EXPECT_GT(counts[static_cast<std::size_t>(shade)], static_cast<int>(reference.size()) / 20)
        << "shade " << shade << " is (almost) missing";
  }
  std::mt19937 random(1234);
  std::uniform_int_distribution<std::uint32_t> keys(0, 255);
  for (int frame_index = 0; frame_index < 600; ++frame_index) {
    runner.run_frame(keys(random));
    ASSERT_EQ(runner.frame(), reference) << "frame " << frame_index << " changed";
  }
}

TEST(StaticScreenRom, PictureIsTheXorPatternOfFourTiles) {
  // Tile (tx, ty) shows tile number (tx ^ ty) & 3, so tiles whose numbers
  // agree must show identical pixels, and the four tiles must differ.
  MgbaRunner runner = MgbaRunner::from_file(own_rom("static_screen.gb"));
  runner.run_frames(10, 0);
  const Frame frame = runner.frame();
  const auto tile_pixels = [&](int tile_x, int tile_y) {
    std::vector<std::uint8_t> pixels;
    for (int y = 0; y < 8; ++y) {
      for (int x = 0; x < 8; ++x) {
        pixels.push_back(frame[static_cast<std::size_t>((tile_y * 8 + y) * kScreenWidth + tile_x * 8 + x)]);
      }
    }
    return pixels;
  };
  std::array<std::vector<std::uint8_t>, 4> first;
  for (int number = 0; number < 4; ++number) first[static_cast<std::size_t>(number)] = tile_pixels(number, 0);
  for (int tile_y = 0; tile_y < 18; ++tile_y) {
    for (int tile_x = 0; tile_x < 20; ++tile_x) {
      EXPECT_EQ(tile_pixels(tile_x, tile_y), first[static_cast<std::size_t>((tile_x ^ tile_y) & 3)])
          << "tile " << tile_x << "," << tile_y;
    }
  }
  for (int a = 0; a < 4; ++a) {
    for (int b = a + 1; b < 4; ++b) EXPECT_NE(first[static_cast<std::size_t>(a)], first[static_cast<std::size_t>(b)]);
  }
}

}  // namespace
}  // namespace dreamer::testing
