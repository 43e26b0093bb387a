#include "common/media/png_writer.hpp"

#include <png.h>

#include <string>

#include "common/error.hpp"
#include "common/file_io.hpp"

namespace dreamer {

void write_png(const std::filesystem::path& path, const Image& image) {
  if (image.channels != 1 && image.channels != 3) throw Error("write_png: channels must be 1 or 3");
  if (image.width <= 0 || image.height <= 0 ||
      image.pixels.size() != static_cast<std::size_t>(image.width) * image.height * image.channels) {
    throw Error("write_png: image size does not match its pixels");
  }
  png_image info{};
  info.version = PNG_IMAGE_VERSION;
  info.width = static_cast<png_uint_32>(image.width);
  info.height = static_cast<png_uint_32>(image.height);
  info.format = image.channels == 1 ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  png_alloc_size_t size = 0;
  if (!png_image_write_to_memory(&info, nullptr, &size, 0, image.pixels.data(), 0, nullptr)) {
    throw Error("write_png '" + path.string() + "': " + info.message);
  }
  std::string buffer(size, '\0');
  if (!png_image_write_to_memory(&info, buffer.data(), &size, 0, image.pixels.data(), 0, nullptr)) {
    throw Error("write_png '" + path.string() + "': " + info.message);
  }
  buffer.resize(size);
  write_file_atomic(path, buffer);
}

Image read_png(const std::filesystem::path& path) {
  png_image info{};
  info.version = PNG_IMAGE_VERSION;
  if (!png_image_begin_read_from_file(&info, path.c_str())) {
    throw Error("read_png '" + path.string() + "': " + info.message);
  }
  const bool gray = (info.format & PNG_FORMAT_FLAG_COLOR) == 0 && (info.format & PNG_FORMAT_FLAG_ALPHA) == 0;
  info.format = gray ? PNG_FORMAT_GRAY : PNG_FORMAT_RGB;
  Image image = Image::filled(static_cast<int>(info.width), static_cast<int>(info.height), gray ? 1 : 3);
  if (!png_image_finish_read(&info, nullptr, image.pixels.data(), 0, nullptr)) {
    const std::string message = info.message;
    png_image_free(&info);
    throw Error("read_png '" + path.string() + "': " + message);
  }
  return image;
}

}  // namespace dreamer
