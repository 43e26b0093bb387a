#include "gates/metric_window.hpp"

#include <algorithm>

#include "common/error.hpp"
#include "gates/metric_aliases.hpp"

namespace dreamer::gates {

RecordList select_window(const std::vector<nlohmann::json>& records, const MetricWindow& window) {
  RecordList selected;
  for (const nlohmann::json& record : records) {
    if (!record.is_object()) continue;
    const auto env_steps = finite_number(find_metric(record, "env_steps"));
    if (!env_steps) continue;
    if (window.env_steps_min && *env_steps < *window.env_steps_min) continue;
    if (window.env_steps_max && *env_steps > *window.env_steps_max) continue;
    selected.push_back(&record);
  }
  if (window.last && selected.size() > *window.last) {
    selected.erase(selected.begin(), selected.end() - static_cast<std::ptrdiff_t>(*window.last));
  }
  return selected;
}

std::vector<double> finite_values(const RecordList& records, std::string_view key) {
  std::vector<double> values;
  for (const nlohmann::json* record : records) {
    if (const auto value = finite_number(find_metric(*record, key))) values.push_back(*value);
  }
  return values;
}

double lower_median(std::vector<double> values) {
  DREAMER_ASSERT(!values.empty(), "lower_median of no values");
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>((values.size() - 1) / 2);
  std::nth_element(values.begin(), middle, values.end());
  return *middle;
}

}  // namespace dreamer::gates
