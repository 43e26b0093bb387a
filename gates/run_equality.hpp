#pragma once
// Determinism check between two runs of one config and seed: their metric
// records must agree bit for bit, leaving out values that depend on the wall
// clock (gates/metric_direction.hpp is_wall_clock_metric).
#include <string>
#include <vector>

#include "gates/rules.hpp"

namespace dreamer::gates {

// Every difference as one line ("record 3 key loss_model: 1.25 vs 1.2500001");
// empty when the runs agree. Also reports differing record counts and keys.
std::vector<std::string> run_differences(const MetricRecords& first, const MetricRecords& second);

}  // namespace dreamer::gates
