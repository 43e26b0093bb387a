#include "gates/metrics_plot.hpp"

#include <algorithm>
#include <limits>

#include "common/media/line_plot.hpp"
#include "common/media/png_writer.hpp"
#include "gates/metric_aliases.hpp"
#include "gates/metric_window.hpp"

namespace dreamer::gates {
namespace {

constexpr int kPanelWidth = 480;
constexpr int kPanelHeight = 260;
constexpr int kColumns = 2;

}  // namespace

const std::vector<std::string>& default_plot_keys() {
  static const std::vector<std::string> kKeys = {"loss_model",    "obs_nll",           "reward_nll", "continue_nll",
                                                 "kl_dyn",        "kl_total",          "loss_actor", "loss_critic",
                                                 "prior_entropy", "posterior_entropy", "sps",        "train_sps"};
  return kKeys;
}

Image render_metrics_plot(const MetricRecords& records, const std::vector<std::string>& keys,
                          const std::string& x_key) {
  const int rows = std::max<int>(1, (static_cast<int>(keys.size()) + kColumns - 1) / kColumns);
  Image sheet = Image::filled(kPanelWidth * kColumns, kPanelHeight * rows, 3, 255);
  for (std::size_t index = 0; index < keys.size(); ++index) {
    PlotSeries series{keys[index], {}, {}};
    for (const nlohmann::json& record : records) {
      if (!record.is_object()) continue;
      const nlohmann::json* value = find_metric(record, keys[index]);
      const auto x = finite_number(find_metric(record, x_key));
      if (value == nullptr || !x) continue;
      series.x.push_back(*x);
      // null (non-finite) values stay in the series and break the line.
      series.y.push_back(finite_number(value).value_or(std::numeric_limits<double>::quiet_NaN()));
    }
    LinePlotOptions options;
    options.width = kPanelWidth;
    options.height = kPanelHeight;
    options.title = series.x.empty() ? keys[index] + " (absent)" : keys[index];
    options.x_label = x_key;
    const Image panel = render_line_plot(series.x.empty() ? std::vector<PlotSeries>{} : std::vector{series}, options);
    const int x0 = static_cast<int>(index % kColumns) * kPanelWidth;
    const int y0 = static_cast<int>(index / kColumns) * kPanelHeight;
    for (int y = 0; y < kPanelHeight; ++y) {
      std::copy(panel.at(0, y), panel.at(0, y) + kPanelWidth * 3, sheet.at(x0, y0 + y));
    }
  }
  return sheet;
}

void write_metrics_plot(const std::filesystem::path& path, const MetricRecords& records,
                        const std::vector<std::string>& keys) {
  write_png(path, render_metrics_plot(records, keys));
}

}  // namespace dreamer::gates
