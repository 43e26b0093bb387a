// PNG and GIF writers and the line-plot renderer: files are read back with
// libpng and giflib (DGifSlurp) and checked pixel by pixel.
#include <gif_lib.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "common/error.hpp"
#include "common/media/bitmap_font.hpp"
#include "common/media/gif_writer.hpp"
#include "common/media/line_plot.hpp"
#include "common/media/png_writer.hpp"
#include "tests/common/scratch_dir_test.hpp"

namespace dreamer {
namespace {

class MediaWritersTest : public ScratchDirTest {};

TEST_F(MediaWritersTest, GrayPngRoundTripsExactly) {
  Image image = Image::filled(80, 72, 1);
  for (int y = 0; y < 72; ++y) {
    for (int x = 0; x < 80; ++x) *image.at(x, y) = static_cast<std::uint8_t>(85 * ((x + y) % 4));
  }
  write_png(dir_ / "gray.png", image);
  const Image back = read_png(dir_ / "gray.png");
  EXPECT_EQ(back.width, 80);
  EXPECT_EQ(back.height, 72);
  EXPECT_EQ(back.channels, 1);
  EXPECT_EQ(back.pixels, image.pixels);
}

TEST_F(MediaWritersTest, RgbPngRoundTripsExactly) {
  Image image = Image::filled(3, 2, 3);
  image.pixels = {255, 0, 0, 0, 255, 0, 0, 0, 255, 1, 2, 3, 250, 251, 252, 7, 7, 7};
  write_png(dir_ / "rgb.png", image);
  const Image back = read_png(dir_ / "rgb.png");
  EXPECT_EQ(back.channels, 3);
  EXPECT_EQ(back.pixels, image.pixels);
}

TEST_F(MediaWritersTest, PngRejectsMismatchedPixels) {
  Image image = Image::filled(4, 4, 1);
  image.pixels.pop_back();
  EXPECT_THROW(write_png(dir_ / "bad.png", image), Error);
  EXPECT_THROW(read_png(dir_ / "absent.png"), Error);
}

TEST_F(MediaWritersTest, AnimatedGifHasEveryFrameAndItsPixels) {
  // Three "original | decoded" frames of 4 x 3 gray images, shades 0, 85, 170, 255.
  std::vector<Image> frames;
  for (int frame = 0; frame < 3; ++frame) {
    Image original = Image::filled(4, 3, 1, static_cast<std::uint8_t>(85 * frame));
    Image decoded = Image::filled(4, 3, 1, 255);
    *decoded.at(1, 2) = 0;
    frames.push_back(side_by_side({original, decoded}, 2, 170));
  }
  ASSERT_EQ(frames[0].width, 10);
  const auto path = dir_ / "recon.gif";
  write_gif(path, frames, 20);
  int error = 0;
  GifFileType* gif = DGifOpenFileName(path.c_str(), &error);
  ASSERT_NE(gif, nullptr);
  ASSERT_EQ(DGifSlurp(gif), GIF_OK);
  EXPECT_EQ(gif->SWidth, 10);
  EXPECT_EQ(gif->SHeight, 3);
  ASSERT_EQ(gif->ImageCount, 3);
  const ColorMapObject* palette = gif->SColorMap;
  ASSERT_NE(palette, nullptr);
  for (int frame = 0; frame < 3; ++frame) {
    const SavedImage& saved = gif->SavedImages[frame];
    auto shade = [&](int x, int y) { return palette->Colors[saved.RasterBits[y * 10 + x]].Red; };
    EXPECT_EQ(shade(0, 0), 85 * frame);
    EXPECT_EQ(shade(4, 1), 170);  // the gap
    EXPECT_EQ(shade(6, 0), 255);
    EXPECT_EQ(shade(7, 2), 0);
    GraphicsControlBlock control{};
    ASSERT_EQ(DGifSavedExtensionToGCB(gif, frame, &control), GIF_OK);
    EXPECT_EQ(control.DelayTime, 20);
  }
  DGifCloseFile(gif, &error);
}

TEST_F(MediaWritersTest, RgbGifUsesTheColourCube) {
  Image frame = Image::filled(2, 1, 3);
  frame.pixels = {255, 0, 0, 0, 102, 255};
  write_gif(dir_ / "rgb.gif", {frame, frame});
  int error = 0;
  GifFileType* gif = DGifOpenFileName((dir_ / "rgb.gif").c_str(), &error);
  ASSERT_NE(gif, nullptr);
  ASSERT_EQ(DGifSlurp(gif), GIF_OK);
  ASSERT_EQ(gif->ImageCount, 2);
  const GifColorType first = gif->SColorMap->Colors[gif->SavedImages[0].RasterBits[0]];
  const GifColorType second = gif->SColorMap->Colors[gif->SavedImages[0].RasterBits[1]];
  EXPECT_EQ((std::array<int, 3>{first.Red, first.Green, first.Blue}), (std::array<int, 3>{255, 0, 0}));
  EXPECT_EQ((std::array<int, 3>{second.Red, second.Green, second.Blue}), (std::array<int, 3>{0, 102, 255}));
  DGifCloseFile(gif, &error);
}

TEST_F(MediaWritersTest, GifRejectsFramesOfDifferentSizes) {
  EXPECT_THROW(write_gif(dir_ / "x.gif", {Image::filled(2, 2, 1), Image::filled(3, 2, 1)}), Error);
  EXPECT_THROW(write_gif(dir_ / "x.gif", {}), Error);
}

TEST(BitmapFont, GlyphsDrawTheirRows) {
  Image image = Image::filled(12, 7, 1, 0);
  draw_text(image, 0, 0, "1l", {255, 255, 255});
  // '1' row 0 = 0x04: only column 2 lit. 'L' (lowercase drawn as capital) row 6 = 0x1F.
  for (int x = 0; x < 5; ++x) EXPECT_EQ(*image.at(x, 0), x == 2 ? 255 : 0) << x;
  for (int x = 6; x < 11; ++x) EXPECT_EQ(*image.at(x, 6), 255) << x;
  EXPECT_EQ(text_width("ab"), 11);
  EXPECT_EQ(glyph_rows('~'), glyph_rows('?'));
}

// Rows on which pixels of `colour` appear in columns [x0, x1).
std::vector<int> rows_with(const Image& image, const std::array<std::uint8_t, 3>& colour, int x0, int x1) {
  std::vector<int> rows;
  for (int y = 0; y < image.height; ++y) {
    for (int x = x0; x < x1; ++x) {
      const std::uint8_t* p = image.at(x, y);
      if (p[0] == colour[0] && p[1] == colour[1] && p[2] == colour[2]) {
        rows.push_back(y);
        break;
      }
    }
  }
  return rows;
}

TEST_F(MediaWritersTest, LinePlotDrawsEachSeriesWhereItsDataIs) {
  PlotSeries flat{"flat", {0, 5, 10}, {1, 1, 1}};
  PlotSeries rising{"rising", {0, 5, 10}, {0, 1, 2}};
  LinePlotOptions options;
  options.width = 400;
  options.height = 300;
  options.title = "metrics";
  options.x_label = "env_steps";
  const Image image = render_line_plot({flat, rising}, options);
  ASSERT_EQ(image.channels, 3);
  ASSERT_EQ(image.width, 400);
  EXPECT_EQ(image.at(0, 0)[0], 255);  // background
  // The flat series is one horizontal band (2 px) at mid height of the plot area
  // (y range [0, 2] padded by 5%: y = 1 is the centre of rows 24..264 -> 144).
  const auto flat_rows = rows_with(image, plot_series_colour(0), 64, 200);
  ASSERT_FALSE(flat_rows.empty());
  EXPECT_LE(flat_rows.back() - flat_rows.front(), 2);
  EXPECT_NEAR(flat_rows.front(), 144, 1);
  // The rising series is lower on screen (greater row) on the left than on the right.
  const auto left_rows = rows_with(image, plot_series_colour(1), 70, 120);
  const auto right_rows = rows_with(image, plot_series_colour(1), 260, 300);
  ASSERT_FALSE(left_rows.empty());
  ASSERT_FALSE(right_rows.empty());
  EXPECT_GT(left_rows.front(), right_rows.back());
  // Both colours appear in the legend box (top right).
  EXPECT_FALSE(rows_with(image, plot_series_colour(1), 300, 384).empty());
  write_png(dir_ / "plot.png", image);
  EXPECT_EQ(read_png(dir_ / "plot.png").pixels, image.pixels);
}

TEST_F(MediaWritersTest, LinePlotSkipsNonFinitePointsAndRejectsRaggedSeries) {
  PlotSeries gappy{"gappy", {0, 1, 2}, {1, std::nan(""), 3}};
  EXPECT_NO_THROW(render_line_plot({gappy}, {}));
  EXPECT_THROW(render_line_plot({PlotSeries{"bad", {0, 1}, {1}}}, {}), Error);
  LinePlotOptions tiny;
  tiny.width = 10;
  EXPECT_THROW(render_line_plot({}, tiny), Error);
}

}  // namespace
}  // namespace dreamer
