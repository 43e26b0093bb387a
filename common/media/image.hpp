#pragma once
// An 8-bit image in memory: row-major, channels interleaved (1 = gray,
// 3 = RGB). The PNG and GIF writers and the line-plot renderer share it.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace dreamer {

struct Image {
  int width = 0;
  int height = 0;
  int channels = 1;  // 1 (gray) or 3 (RGB)
  std::vector<std::uint8_t> pixels;

  static Image filled(int width, int height, int channels, std::uint8_t value = 0) {
    return Image{width, height, channels,
                 std::vector<std::uint8_t>(static_cast<std::size_t>(width) * height * channels, value)};
  }
  std::size_t offset(int x, int y) const {
    return (static_cast<std::size_t>(y) * static_cast<std::size_t>(width) + static_cast<std::size_t>(x)) *
           static_cast<std::size_t>(channels);
  }
  std::uint8_t* at(int x, int y) { return pixels.data() + offset(x, y); }
  const std::uint8_t* at(int x, int y) const { return pixels.data() + offset(x, y); }
};

// A gray image of Game Boy shades (0 white .. 3 black, row-major, one byte a
// pixel, higher bits ignored), each pixel repeated `scale` x `scale` times:
// shade s becomes gray 255 - 85 s (255, 170, 85, 0).
inline Image image_from_shades(const std::uint8_t* shades, int width, int height, int scale = 1) {
  Image image = Image::filled(width * scale, height * scale, 1);
  for (int y = 0; y < image.height; ++y) {
    for (int x = 0; x < image.width; ++x) {
      const int shade = shades[static_cast<std::size_t>(y / scale) * static_cast<std::size_t>(width) + x / scale] & 3;
      *image.at(x, y) = static_cast<std::uint8_t>(255 - 85 * shade);
    }
  }
  return image;
}

}  // namespace dreamer
