#include "gates/metrics_plot.hpp"

#include <gtest/gtest.h>

#include "common/media/line_plot.hpp"

namespace dreamer::gates {
namespace {

int pixels_of(const Image& image, const std::array<std::uint8_t, 3>& colour, int x0, int y0, int x1, int y1) {
  int count = 0;
  for (int y = y0; y < y1; ++y) {
    for (int x = x0; x < x1; ++x) {
      const std::uint8_t* p = image.at(x, y);
      count += p[0] == colour[0] && p[1] == colour[1] && p[2] == colour[2] ? 1 : 0;
    }
  }
  return count;
}

TEST(MetricsPlot, OnePanelPerKeyTiledTwoPerRow) {
  MetricRecords records;
  for (int i = 0; i < 10; ++i) {
    records.push_back({{"env_steps", 64 * i}, {"Loss/observation_loss", 100.0 - i}, {"sps", 10.0 + i}});
  }
  records.push_back({{"event", "checkpoint"}});
  const Image sheet = render_metrics_plot(records, {"obs_nll", "sps", "kl_dyn"});
  EXPECT_EQ(sheet.width, 960);
  EXPECT_EQ(sheet.height, 520);
  const auto line = plot_series_colour(0);
  EXPECT_GT(pixels_of(sheet, line, 0, 0, 480, 260), 50);     // obs_nll found through its alias
  EXPECT_GT(pixels_of(sheet, line, 480, 0, 960, 260), 50);   // sps
  EXPECT_EQ(pixels_of(sheet, line, 0, 260, 480, 520), 0);    // kl_dyn absent: empty panel
  EXPECT_EQ(pixels_of(sheet, line, 480, 260, 960, 520), 0);  // no fourth panel
}

}  // namespace
}  // namespace dreamer::gates
