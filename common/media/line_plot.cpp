#include "common/media/line_plot.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include "common/error.hpp"
#include "common/media/bitmap_font.hpp"

namespace dreamer {
namespace {

using Colour = std::array<std::uint8_t, 3>;

constexpr Colour kBlack = {0, 0, 0};
constexpr Colour kGrid = {225, 225, 225};
constexpr int kMarginLeft = 64;
constexpr int kMarginRight = 16;
constexpr int kMarginTop = 24;
constexpr int kMarginBottom = 36;

struct Range {
  double lo = std::numeric_limits<double>::infinity();
  double hi = -std::numeric_limits<double>::infinity();

  void add(double value) {
    lo = std::min(lo, value);
    hi = std::max(hi, value);
  }
  void finish(double pad_fraction) {
    if (!std::isfinite(lo)) {
      lo = 0.0;
      hi = 1.0;
    } else if (hi - lo <= std::fabs(hi) * 1e-12) {
      const double widen = std::max(std::fabs(hi) * 0.1, 1.0);
      lo -= widen;
      hi += widen;
    } else {
      const double pad = (hi - lo) * pad_fraction;
      lo -= pad;
      hi += pad;
    }
  }
};

void set_pixel(Image& image, int x, int y, const Colour& colour) {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  std::copy(colour.begin(), colour.end(), image.at(x, y));
}

// Bresenham; `thickness` pixels tall (the line and the rows below it).
void draw_line(Image& image, int x0, int y0, int x1, int y1, const Colour& colour, int thickness = 1) {
  const int dx = std::abs(x1 - x0);
  const int dy = -std::abs(y1 - y0);
  const int step_x = x0 < x1 ? 1 : -1;
  const int step_y = y0 < y1 ? 1 : -1;
  int error = dx + dy;
  while (true) {
    for (int t = 0; t < thickness; ++t) set_pixel(image, x0, y0 + t, colour);
    if (x0 == x1 && y0 == y1) break;
    const int twice = 2 * error;
    if (twice >= dy) {
      error += dy;
      x0 += step_x;
    }
    if (twice <= dx) {
      error += dx;
      y0 += step_y;
    }
  }
}

void fill_rect(Image& image, int x0, int y0, int x1, int y1, const Colour& colour) {
  for (int y = y0; y <= y1; ++y) {
    for (int x = x0; x <= x1; ++x) set_pixel(image, x, y, colour);
  }
}

std::string tick_label(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.4g", std::fabs(value) < 1e-12 ? 0.0 : value);
  return text;
}

}  // namespace

std::array<std::uint8_t, 3> plot_series_colour(std::size_t index) {
  static constexpr std::array<Colour, 8> kPalette = {{{31, 119, 180},
                                                      {255, 127, 14},
                                                      {44, 160, 44},
                                                      {214, 39, 40},
                                                      {148, 103, 189},
                                                      {140, 86, 75},
                                                      {227, 119, 194},
                                                      {23, 190, 207}}};
  return kPalette[index % kPalette.size()];
}

Image render_line_plot(const std::vector<PlotSeries>& series, const LinePlotOptions& options) {
  if (options.width < 160 || options.height < 120) throw Error("line plot: image must be at least 160 x 120");
  Range x_range;
  Range y_range;
  for (const PlotSeries& line : series) {
    if (line.x.size() != line.y.size())
      throw Error("line plot: series '" + line.name + "' has x and y of different lengths");
    for (std::size_t i = 0; i < line.x.size(); ++i) {
      if (!std::isfinite(line.x[i]) || !std::isfinite(line.y[i])) continue;
      x_range.add(line.x[i]);
      y_range.add(line.y[i]);
    }
  }
  x_range.finish(0.0);
  y_range.finish(0.05);

  Image image = Image::filled(options.width, options.height, 3, 255);
  const int left = kMarginLeft;
  const int right = options.width - kMarginRight;
  const int top = kMarginTop;
  const int bottom = options.height - kMarginBottom;
  auto to_x = [&](double x) {
    return left + static_cast<int>(std::lround((x - x_range.lo) / (x_range.hi - x_range.lo) * (right - left)));
  };
  auto to_y = [&](double y) {
    return bottom - static_cast<int>(std::lround((y - y_range.lo) / (y_range.hi - y_range.lo) * (bottom - top)));
  };

  constexpr int kTicks = 5;
  for (int tick = 0; tick < kTicks; ++tick) {
    const double fraction = static_cast<double>(tick) / (kTicks - 1);
    const int x = left + static_cast<int>(std::lround(fraction * (right - left)));
    const int y = bottom - static_cast<int>(std::lround(fraction * (bottom - top)));
    draw_line(image, x, top, x, bottom, kGrid);
    draw_line(image, left, y, right, y, kGrid);
    draw_line(image, x, bottom, x, bottom + 4, kBlack);
    draw_line(image, left - 4, y, left, y, kBlack);
    const std::string x_text = tick_label(x_range.lo + fraction * (x_range.hi - x_range.lo));
    const std::string y_text = tick_label(y_range.lo + fraction * (y_range.hi - y_range.lo));
    draw_text(image, std::clamp(x - text_width(x_text) / 2, 0, options.width - text_width(x_text)), bottom + 7, x_text,
              kBlack);
    draw_text(image, std::max(0, left - 7 - text_width(y_text)), y - kGlyphHeight / 2, y_text, kBlack);
  }
  draw_line(image, left, top, right, top, kBlack);
  draw_line(image, left, bottom, right, bottom, kBlack);
  draw_line(image, left, top, left, bottom, kBlack);
  draw_line(image, right, top, right, bottom, kBlack);
  if (!options.title.empty()) {
    draw_text(image, (options.width - text_width(options.title)) / 2, 8, options.title, kBlack);
  }
  if (!options.x_label.empty()) {
    draw_text(image, (left + right - text_width(options.x_label)) / 2, options.height - 12, options.x_label, kBlack);
  }

  for (std::size_t index = 0; index < series.size(); ++index) {
    const PlotSeries& line = series[index];
    const Colour colour = plot_series_colour(index);
    bool have_previous = false;
    int previous_x = 0;
    int previous_y = 0;
    for (std::size_t i = 0; i < line.x.size(); ++i) {
      if (!std::isfinite(line.x[i]) || !std::isfinite(line.y[i])) {
        have_previous = false;
        continue;
      }
      const int x = to_x(line.x[i]);
      const int y = to_y(line.y[i]);
      if (have_previous) {
        draw_line(image, previous_x, previous_y, x, y, colour, 2);
      } else {
        fill_rect(image, x - 1, y - 1, x + 1, y + 1, colour);
      }
      have_previous = true;
      previous_x = x;
      previous_y = y;
    }
  }

  if (!series.empty()) {
    int legend_width = 0;
    for (const PlotSeries& line : series) legend_width = std::max(legend_width, text_width(line.name));
    legend_width += 26;
    const int row_height = kGlyphHeight + 5;
    const int legend_height = static_cast<int>(series.size()) * row_height + 6;
    const int x0 = right - legend_width - 6;
    const int y0 = top + 6;
    fill_rect(image, x0, y0, x0 + legend_width, y0 + legend_height, {255, 255, 255});
    draw_line(image, x0, y0, x0 + legend_width, y0, kBlack);
    draw_line(image, x0, y0 + legend_height, x0 + legend_width, y0 + legend_height, kBlack);
    draw_line(image, x0, y0, x0, y0 + legend_height, kBlack);
    draw_line(image, x0 + legend_width, y0, x0 + legend_width, y0 + legend_height, kBlack);
    for (std::size_t index = 0; index < series.size(); ++index) {
      const int y = y0 + 5 + static_cast<int>(index) * row_height;
      fill_rect(image, x0 + 5, y, x0 + 15, y + kGlyphHeight - 1, plot_series_colour(index));
      draw_text(image, x0 + 20, y, series[index].name, kBlack);
    }
  }
  return image;
}

}  // namespace dreamer
