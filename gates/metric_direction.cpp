#include "gates/metric_direction.hpp"

#include <algorithm>
#include <array>
#include <string>

#include "gates/metric_aliases.hpp"

namespace dreamer::gates {
namespace {

bool contains_token(std::string_view name, std::string_view token) {
  // `token` as a whole "_"-separated part of `name`.
  std::size_t start = 0;
  while (start <= name.size()) {
    const std::size_t end = std::min(name.find('_', start), name.size());
    if (name.substr(start, end - start) == token) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

bool is_loss_metric(std::string_view name) {
  const std::string canonical = canonical_metric_name(name);
  const std::string_view view = canonical;
  return view.starts_with("loss_") || view.ends_with("_nll") || view.starts_with("kl_");
}

MetricDirection metric_direction(std::string_view name) {
  const std::string canonical = canonical_metric_name(name);
  const std::string_view view = canonical;
  if (is_loss_metric(view) || view.starts_with("grad_norm_") || view.starts_with("dist_p") ||
      view.starts_with("eval_dist_p") || view == "eval_steps_to_goal_p50" || view == "steps_to_goal_p50" ||
      contains_token(view, "ms")) {
    return MetricDirection::kLowerIsBetter;
  }
  constexpr std::array<std::string_view, 6> kHigher = {"success_rate",      "done_rate",        "mean_return",
                                                       "eval_success_rate", "eval_mean_return", "reward_mean"};
  for (const std::string_view higher : kHigher) {
    if (view == higher) return MetricDirection::kHigherIsBetter;
  }
  if (contains_token(view, "sps")) return MetricDirection::kHigherIsBetter;
  return MetricDirection::kNone;
}

bool is_wall_clock_metric(std::string_view name) {
  return name == "sps" || name == "train_sps" || name == "wall_s" || name == "allreduce_s" ||
         name == "allreduce_bus_gbps" || (name.size() > 3 && name.substr(name.size() - 3) == "_ms");
}

const char* to_string(MetricDirection direction) {
  switch (direction) {
    case MetricDirection::kLowerIsBetter:
      return "lower_is_better";
    case MetricDirection::kHigherIsBetter:
      return "higher_is_better";
    case MetricDirection::kNone:
      return "none";
  }
  return "none";
}

}  // namespace dreamer::gates
