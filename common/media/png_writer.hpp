#pragma once
// PNG files through libpng's simplified API: 8-bit gray or RGB images
// (common/media/image.hpp). write_png() goes through write_file_atomic, so a plot
// being refreshed is never seen half-written.
#include <filesystem>

#include "common/media/image.hpp"

namespace dreamer {

// Throws dreamer::Error on a malformed image or an I/O failure.
void write_png(const std::filesystem::path& path, const Image& image);

// Reads any PNG as 8-bit gray (channels 1) or RGB (channels 3) as stored;
// other layouts are converted to RGB. Throws dreamer::Error naming the file.
Image read_png(const std::filesystem::path& path);

}  // namespace dreamer
