#pragma once
// A 5x7 bitmap font for labels drawn into images (plot ticks, legends,
// titles): digits, letters (lowercase drawn as capitals) and . - + _ / : ( )
// = %; any other character draws as '?'. Glyphs advance 6 pixels.
#include <array>
#include <cstdint>
#include <string_view>

#include "common/media/image.hpp"

namespace dreamer {

inline constexpr int kGlyphWidth = 5;
inline constexpr int kGlyphHeight = 7;
inline constexpr int kGlyphAdvance = 6;

// Rows top to bottom; bit 4 is the leftmost pixel.
std::array<std::uint8_t, kGlyphHeight> glyph_rows(char character);

int text_width(std::string_view text, int scale = 1);

// Draws `text` with its top-left corner at (x, y); pixels outside the image
// are clipped. `colour` has image.channels entries used.
void draw_text(Image& image, int x, int y, std::string_view text, const std::array<std::uint8_t, 3>& colour,
               int scale = 1);

}  // namespace dreamer
