#include "gates/metric_source.hpp"

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/run/metrics_log.hpp"

namespace dreamer::gates {

const char* to_string(InputKind kind) { return kind == InputKind::kJsonl ? "jsonl" : "json"; }

InputKind parse_input_kind(const std::string& text, const std::string& source) {
  if (text == "jsonl") return InputKind::kJsonl;
  if (text == "json") return InputKind::kJson;
  throw Error(source + ": input_kind must be \"jsonl\" or \"json\", not \"" + text + "\"");
}

MetricSource load_metrics_jsonl(const std::filesystem::path& path) {
  MetricSource source;
  source.kind = InputKind::kJsonl;
  source.path = path.string();
  source.records = read_metrics_log(path);
  return source;
}

MetricSource load_summary_json(const std::filesystem::path& path) {
  MetricSource source;
  source.kind = InputKind::kJson;
  source.path = path.string();
  try {
    source.summary = nlohmann::ordered_json::parse(read_file_text(path));
  } catch (const nlohmann::json::exception& error) {
    throw Error(path.string() + ": invalid JSON: " + error.what());
  }
  if (!source.summary.is_object()) throw Error(path.string() + ": a summary must be a JSON object of numbers");
  return source;
}

}  // namespace dreamer::gates
