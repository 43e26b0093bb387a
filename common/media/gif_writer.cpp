#include "common/media/gif_writer.hpp"

#include <gif_lib.h>

#include <string>

#include "common/error.hpp"
#include "common/file_io.hpp"

namespace dreamer {
namespace {

int append_to_string(GifFileType* gif, const GifByteType* data, int length) {
  static_cast<std::string*>(gif->UserData)
      ->append(reinterpret_cast<const char*>(data), static_cast<std::size_t>(length));
  return length;
}

// Palette index of an RGB colour in the 6x6x6 cube (levels 0, 51, ..., 255).
GifByteType cube_index(const std::uint8_t* rgb) {
  auto level = [](std::uint8_t value) { return (value + 25) / 51; };
  return static_cast<GifByteType>(36 * level(rgb[0]) + 6 * level(rgb[1]) + level(rgb[2]));
}

ColorMapObject* make_palette(int channels) {
  ColorMapObject* palette = GifMakeMapObject(256, nullptr);
  if (palette == nullptr) throw Error("write_gif: out of memory");
  for (int i = 0; i < 256; ++i) {
    GifColorType& colour = palette->Colors[i];
    if (channels == 1) {
      colour.Red = colour.Green = colour.Blue = static_cast<GifByteType>(i);
    } else if (i < 216) {
      colour.Red = static_cast<GifByteType>(51 * (i / 36));
      colour.Green = static_cast<GifByteType>(51 * ((i / 6) % 6));
      colour.Blue = static_cast<GifByteType>(51 * (i % 6));
    } else {
      colour.Red = colour.Green = colour.Blue = 0;
    }
  }
  return palette;
}

void check(int status, GifFileType* gif, const std::filesystem::path& path) {
  if (status == GIF_OK) return;
  const int code = gif != nullptr ? gif->Error : 0;
  const char* message = GifErrorString(code);
  throw Error("write_gif '" + path.string() + "': " + (message != nullptr ? message : "giflib error"));
}

}  // namespace

Image side_by_side(const std::vector<Image>& images, int gap, std::uint8_t gap_value) {
  if (images.empty()) throw Error("side_by_side: no images");
  int width = 0;
  for (const Image& image : images) {
    if (image.height != images[0].height || image.channels != images[0].channels) {
      throw Error("side_by_side: images differ in height or channels");
    }
    width += image.width;
  }
  width += gap * static_cast<int>(images.size() - 1);
  Image out = Image::filled(width, images[0].height, images[0].channels, gap_value);
  int x0 = 0;
  for (const Image& image : images) {
    for (int y = 0; y < image.height; ++y) {
      std::copy(image.at(0, y), image.at(0, y) + static_cast<std::ptrdiff_t>(image.width) * image.channels,
                out.at(x0, y));
    }
    x0 += image.width + gap;
  }
  return out;
}

void write_gif(const std::filesystem::path& path, const std::vector<Image>& frames, int delay_centiseconds) {
  if (frames.empty()) throw Error("write_gif '" + path.string() + "': no frames");
  const Image& first = frames.front();
  if (first.channels != 1 && first.channels != 3) throw Error("write_gif: channels must be 1 or 3");
  for (const Image& frame : frames) {
    if (frame.width != first.width || frame.height != first.height || frame.channels != first.channels ||
        frame.width <= 0 || frame.height <= 0 ||
        frame.pixels.size() != static_cast<std::size_t>(frame.width) * frame.height * frame.channels) {
      throw Error("write_gif '" + path.string() + "': frames differ in size or do not match their pixels");
    }
  }
  std::string buffer;
  int error = 0;
  GifFileType* gif = EGifOpen(&buffer, append_to_string, &error);
  if (gif == nullptr) throw Error("write_gif: " + std::string(GifErrorString(error)));
  try {
    EGifSetGifVersion(gif, true);
    ColorMapObject* palette = make_palette(first.channels);
    const int status = EGifPutScreenDesc(gif, first.width, first.height, 8, 0, palette);
    GifFreeMapObject(palette);
    check(status, gif, path);
    // NETSCAPE2.0 application extension: loop forever.
    const GifByteType netscape[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
    const GifByteType loop[] = {1, 0, 0};
    check(EGifPutExtensionLeader(gif, APPLICATION_EXT_FUNC_CODE), gif, path);
    check(EGifPutExtensionBlock(gif, sizeof(netscape), netscape), gif, path);
    check(EGifPutExtensionBlock(gif, sizeof(loop), loop), gif, path);
    check(EGifPutExtensionTrailer(gif), gif, path);
    std::vector<GifByteType> line(static_cast<std::size_t>(first.width));
    for (const Image& frame : frames) {
      GraphicsControlBlock control{};
      control.DisposalMode = DISPOSAL_UNSPECIFIED;
      control.DelayTime = delay_centiseconds;
      control.TransparentColor = NO_TRANSPARENT_COLOR;
      GifByteType extension[4];
      const std::size_t length = EGifGCBToExtension(&control, extension);
      check(EGifPutExtension(gif, GRAPHICS_EXT_FUNC_CODE, static_cast<int>(length), extension), gif, path);
      check(EGifPutImageDesc(gif, 0, 0, frame.width, frame.height, false, nullptr), gif, path);
      for (int y = 0; y < frame.height; ++y) {
        for (int x = 0; x < frame.width; ++x) {
          line[static_cast<std::size_t>(x)] = frame.channels == 1 ? *frame.at(x, y) : cube_index(frame.at(x, y));
        }
        check(EGifPutLine(gif, line.data(), frame.width), gif, path);
      }
    }
  } catch (...) {
    EGifCloseFile(gif, &error);
    throw;
  }
  if (EGifCloseFile(gif, &error) != GIF_OK) throw Error("write_gif: " + std::string(GifErrorString(error)));
  write_file_atomic(path, buffer);
}

}  // namespace dreamer
