#include "gates/learning_curves.hpp"

#include <algorithm>
#include <numeric>
#include <set>

#include "common/error.hpp"
#include "common/media/line_plot.hpp"
#include "gates/metric_window.hpp"

namespace dreamer::gates {
namespace {

constexpr int kPanelWidth = 560;
constexpr int kPanelHeight = 360;

double x_of(const CurvePoint& point, CurveAxis axis) {
  return axis == CurveAxis::kEnvSteps ? point.env_steps : point.wall_s;
}

// The run's success at x: its last evaluation at or before x, else 0.
double success_at(const RunCurve& run, double x, CurveAxis axis) {
  double success = 0.0;
  for (const CurvePoint& point : run.points) {
    if (x_of(point, axis) > x) break;
    success = point.success_rate;
  }
  return success;
}

nlohmann::ordered_json pairs_json(const std::vector<std::pair<double, double>>& pairs) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& [x, y] : pairs) out.push_back({x, y});
  return out;
}

}  // namespace

RunCurve greedy_curve(const MetricRecords& records, const std::string& name) {
  RunCurve curve{name, {}};
  for (const nlohmann::json& record : records) {
    if (!record.is_object() || !record.value("periodic_eval", false)) continue;
    const auto number = [&](const char* key) {
      const auto value = finite_number(record.contains(key) ? &record[key] : nullptr);
      if (!value) throw Error(name + ": a periodic_eval record without a finite " + key + ": " + record.dump());
      return *value;
    };
    curve.points.push_back({number("env_steps"), number("wall_s"), number("opt_steps"), number("eval_success_rate"),
                            number("eval_episodes")});
  }
  if (curve.points.empty())
    throw Error(name + ": no periodic_eval record (a run of dreamer_learner with --eval-every > 0)");
  return curve;
}

double interquartile_mean(std::vector<double> values) {
  if (values.empty()) throw Error("interquartile mean of no values");
  std::sort(values.begin(), values.end());
  const std::size_t cut = values.size() / 4;
  const auto first = values.begin() + static_cast<std::ptrdiff_t>(cut);
  const auto last = values.end() - static_cast<std::ptrdiff_t>(cut);
  return std::accumulate(first, last, 0.0) / static_cast<double>(last - first);
}

std::vector<std::pair<double, double>> iqm_curve(const std::vector<RunCurve>& runs, CurveAxis axis) {
  std::set<double> xs;
  for (const RunCurve& run : runs)
    for (const CurvePoint& point : run.points) xs.insert(x_of(point, axis));
  std::vector<std::pair<double, double>> curve;
  for (const double x : xs) {
    std::vector<double> successes;
    for (const RunCurve& run : runs) successes.push_back(success_at(run, x, axis));
    curve.emplace_back(x, interquartile_mean(successes));
  }
  return curve;
}

nlohmann::ordered_json curves_json(const std::vector<RunCurve>& runs) {
  nlohmann::ordered_json out;
  out["runs"] = nlohmann::ordered_json::array();
  for (const RunCurve& run : runs) {
    nlohmann::ordered_json points = nlohmann::ordered_json::array();
    for (const CurvePoint& point : run.points)
      points.push_back({{"env_steps", point.env_steps},
                        {"wall_s", point.wall_s},
                        {"opt_steps", point.opt_steps},
                        {"success_rate", point.success_rate},
                        {"episodes", point.episodes}});
    out["runs"].push_back({{"name", run.name}, {"points", points}});
  }
  out["iqm_vs_env_steps"] = pairs_json(iqm_curve(runs, CurveAxis::kEnvSteps));
  out["iqm_vs_wall_s"] = pairs_json(iqm_curve(runs, CurveAxis::kWallSeconds));
  out["aggregate"] =
      "each run's success is its last periodic greedy evaluation at or before x (0 before its first); the IQM "
      "over runs is scipy.stats.trim_mean(values, 0.25), which cuts nothing with 3 runs";
  return out;
}

Image render_curves(const std::vector<RunCurve>& runs, const std::string& title) {
  Image sheet = Image::filled(kPanelWidth * 2, kPanelHeight, 3, 255);
  int column = 0;
  for (const CurveAxis axis : {CurveAxis::kEnvSteps, CurveAxis::kWallSeconds}) {
    std::vector<PlotSeries> series;
    for (const RunCurve& run : runs) {
      PlotSeries line{run.name, {}, {}};
      for (const CurvePoint& point : run.points) {
        line.x.push_back(x_of(point, axis));
        line.y.push_back(point.success_rate);
      }
      series.push_back(std::move(line));
    }
    PlotSeries iqm{"IQM", {}, {}};
    for (const auto& [x, y] : iqm_curve(runs, axis)) {
      iqm.x.push_back(x);
      iqm.y.push_back(y);
    }
    series.push_back(std::move(iqm));
    LinePlotOptions options;
    options.width = kPanelWidth;
    options.height = kPanelHeight;
    options.title = title + ": greedy success";
    options.x_label = axis == CurveAxis::kEnvSteps ? "env steps" : "wall seconds";
    const Image panel = render_line_plot(series, options);
    for (int y = 0; y < kPanelHeight; ++y)
      std::copy(panel.at(0, y), panel.at(0, y) + kPanelWidth * 3, sheet.at(column * kPanelWidth, y));
    ++column;
  }
  return sheet;
}

}  // namespace dreamer::gates
