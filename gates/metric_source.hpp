#pragma once
// What a baseline is captured from or compared against: a metrics.jsonl
// (records over time, input_kind "jsonl") or a flat JSON summary written by
// dreamer_bench / dreamer_eval (one object of numbers, input_kind "json").
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace dreamer::gates {

enum class InputKind { kJsonl, kJson };

const char* to_string(InputKind kind);
// "jsonl" | "json"; throws dreamer::Error otherwise.
InputKind parse_input_kind(const std::string& text, const std::string& source);

struct MetricSource {
  InputKind kind = InputKind::kJsonl;
  std::string path;                     // as given (recorded in baselines)
  std::vector<nlohmann::json> records;  // kJsonl
  nlohmann::ordered_json summary;       // kJson: an object, file order kept
};

// Throws dreamer::Error naming the file when it cannot be read or parsed, or
// when a summary is not a JSON object.
MetricSource load_metrics_jsonl(const std::filesystem::path& path);
MetricSource load_summary_json(const std::filesystem::path& path);

}  // namespace dreamer::gates
