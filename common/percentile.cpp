#include "common/percentile.hpp"

#include <algorithm>

#include "common/error.hpp"

namespace dreamer {

double percentile(std::vector<double> values, double q) {
  DREAMER_ASSERT(!values.empty(), "percentile of no values");
  DREAMER_ASSERT(q >= 0.0 && q <= 1.0, "percentile q must be in [0, 1]");
  std::sort(values.begin(), values.end());
  const std::size_t index = static_cast<std::size_t>(q * static_cast<double>(values.size() - 1) + 0.5);
  return values[std::min(index, values.size() - 1)];
}

}  // namespace dreamer
