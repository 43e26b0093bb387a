#pragma once
// Nearest-rank percentile of a sample: sorted[round(q * (n - 1))], halves
// rounded up. No interpolation, so every percentile is an observed value; the
// median of an even count is the upper of the two middle values. Used for
// episode statistics (dist_p50, ...) and benchmark latencies. (The gates'
// lower median, gates/metric_window.hpp, is a different statistic on purpose:
// it is what the predecessor's baselines hold.)
#include <vector>

namespace dreamer {

// q in [0, 1]; `values` must not be empty.
double percentile(std::vector<double> values, double q);

}  // namespace dreamer
