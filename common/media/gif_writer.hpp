#pragma once
// Animated GIFs through giflib, for reconstruction videos (original | decoded
// side by side, one frame per step). Gray frames use a 256-level gray
// palette (exact for the 4 Game Boy shades); RGB frames are quantized to a
// fixed 6x6x6 colour cube. The file loops forever and goes through
// write_file_atomic.
#include <filesystem>
#include <vector>

#include "common/media/image.hpp"

namespace dreamer {

// All frames must share size and channel count. `delay_centiseconds` is the
// time each frame shows. Throws dreamer::Error on bad frames or I/O failure.
void write_gif(const std::filesystem::path& path, const std::vector<Image>& frames, int delay_centiseconds = 10);

// Places `images` (same height and channels) left to right, `gap` pixels of
// `gap_value` between them: builds the "original | decoded" frame.
Image side_by_side(const std::vector<Image>& images, int gap = 2, std::uint8_t gap_value = 255);

}  // namespace dreamer
