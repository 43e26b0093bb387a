#pragma once
// A small line-plot renderer for the metrics plot PNG of a run (loss curves
// over env steps): several named series drawn in distinct colours into an
// RGB image, with a frame, 5 labelled ticks per axis, an optional title and
// x label, and a legend box (colour swatch + name) in the top-right corner.
//
//   +----------------------------------------------+
//   |                  title                       |
//   |  2.5 -+-----------------------------+        |
//   |       |                  [#] obs_nll|        |
//   |       |\__                [#] kl_dyn|        |
//   |    0 -+----------------------------+         |
//   |       0          env_steps        1000       |
//   +----------------------------------------------+
//
// Non-finite points are skipped and break the line. Axis ranges come from
// the finite data (y padded by 5%); a flat range is widened so it stays
// visible.
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "common/media/image.hpp"

namespace dreamer {

struct PlotSeries {
  std::string name;
  std::vector<double> x;
  std::vector<double> y;  // same length as x
};

struct LinePlotOptions {
  int width = 800;
  int height = 480;
  std::string title;
  std::string x_label;
};

// Colour of series `index` (a fixed palette of 8, then repeating).
std::array<std::uint8_t, 3> plot_series_colour(std::size_t index);

// Throws dreamer::Error when a series has x and y of different lengths or the
// image is too small to hold the axes (< 160 x 120).
Image render_line_plot(const std::vector<PlotSeries>& series, const LinePlotOptions& options);

}  // namespace dreamer
