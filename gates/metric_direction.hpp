#pragma once
// Which way a metric should move. Baseline comparison uses it to tell a
// regression (FAIL) from an improvement (IMPROVED) when a value leaves its
// band; a metric with no direction fails on either side.
//
//   lower is better   loss_*, *_nll, kl_*, grad_norm_*, dist_p*, eval_dist_p*,
//                     steps_to_goal_p50, eval_steps_to_goal_p50, *_ms, *_ms_*
//   higher is better  success_rate, done_rate, mean_return, reward_mean,
//                     eval_success_rate, eval_mean_return,
//                     sps, train_sps, *_sps, *_sps_*, sps_*
//   none              everything else (entropies, replay_ratio, value stats, ...)
//
// Names are translated to ours first (gates/metric_aliases.hpp).
#include <string_view>

namespace dreamer::gates {

enum class MetricDirection { kLowerIsBetter, kHigherIsBetter, kNone };

MetricDirection metric_direction(std::string_view name);

// A loss-like value that must stay finite: loss_*, *_nll, kl_*.
bool is_loss_metric(std::string_view name);

// A value that depends on wall-clock time (sps, train_sps, wall_s, *_ms,
// allreduce_s, allreduce_bus_gbps): left out when two runs are compared for determinism.
bool is_wall_clock_metric(std::string_view name);

const char* to_string(MetricDirection direction);

}  // namespace dreamer::gates
