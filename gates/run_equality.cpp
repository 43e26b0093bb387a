#include "gates/run_equality.hpp"

#include <set>

#include "gates/metric_direction.hpp"

namespace dreamer::gates {

std::vector<std::string> run_differences(const MetricRecords& first, const MetricRecords& second) {
  std::vector<std::string> differences;
  if (first.size() != second.size())
    differences.push_back("record counts differ: " + std::to_string(first.size()) + " vs " +
                          std::to_string(second.size()));
  for (std::size_t i = 0; i < std::min(first.size(), second.size()); ++i) {
    std::set<std::string> keys;
    for (const auto& [key, value] : first[i].items()) keys.insert(key);
    for (const auto& [key, value] : second[i].items()) keys.insert(key);
    for (const std::string& key : keys) {
      if (is_wall_clock_metric(key)) continue;
      const auto a = first[i].find(key);
      const auto b = second[i].find(key);
      const std::string left = a == first[i].end() ? "(absent)" : a->dump();
      const std::string right = b == second[i].end() ? "(absent)" : b->dump();
      if (left != right)
        differences.push_back("record " + std::to_string(i) + " key " + key + ": " + left + " vs " + right);
    }
  }
  return differences;
}

}  // namespace dreamer::gates
