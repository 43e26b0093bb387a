#pragma once
// Which records of a metrics.jsonl a rule or baseline looks at, and the one
// statistic every gate uses over them: the lower median of the finite values
// (for an even count, the lower of the two middle values; the predecessor's
// capture tool froze baselines this way, so comparisons stay like for like).
//
// A window keeps only records with a numeric env_steps (a metrics.jsonl also
// holds records that are not training progress, e.g. run events), then
// applies the env_steps range, then keeps the last N of those.
#include <nlohmann/json.hpp>

#include <cmath>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace dreamer::gates {

struct MetricWindow {
  std::optional<std::size_t> last;  // last N records after the range filter
  std::optional<double> env_steps_min;
  std::optional<double> env_steps_max;
};

using RecordList = std::vector<const nlohmann::json*>;

RecordList select_window(const std::vector<nlohmann::json>& records, const MetricWindow& window);

// A finite JSON number, or nullopt (null, NaN/inf written as null, strings,
// booleans, absent).
template <typename Json>
std::optional<double> finite_number(const Json* value) {
  if (value == nullptr || !value->is_number()) return std::nullopt;
  const double number = value->template get<double>();
  if (!std::isfinite(number)) return std::nullopt;
  return number;
}

// Finite values of `key` (or an alias of it) in record order.
std::vector<double> finite_values(const RecordList& records, std::string_view key);

// Lower median; `values` must not be empty.
double lower_median(std::vector<double> values);

}  // namespace dreamer::gates
