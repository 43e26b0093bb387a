#include "tests/conformance/png_image.hpp"

#include <png.h>

#include <cstring>

#include "common/error.hpp"

namespace dreamer::test {

GrayImage read_gray_png(const std::string& path) {
  png_image image;
  std::memset(&image, 0, sizeof(image));
  image.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&image, path.c_str())) {
    throw Error("PNG '" + path + "': " + image.message);
  }
  image.format = PNG_FORMAT_GRAY;
  GrayImage result;
  result.width = static_cast<int>(image.width);
  result.height = static_cast<int>(image.height);
  result.pixels.resize(PNG_IMAGE_SIZE(image));
  if (!png_image_finish_read(&image, nullptr, result.pixels.data(), 0, nullptr)) {
    const std::string message = image.message;
    png_image_free(&image);
    throw Error("PNG '" + path + "': " + message);
  }
  return result;
}

}  // namespace dreamer::test
