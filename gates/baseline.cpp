#include "gates/baseline.hpp"

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/run/utc_time.hpp"
#include "gates/metric_aliases.hpp"
#include "gates/metric_direction.hpp"

namespace dreamer::gates {
namespace {

constexpr std::array<std::string_view, 26> kDefaultJsonlKeys = {
    "loss_model",      "obs_nll",           "reward_nll",       "kl_total",       "continue_nll",
    "kl_dyn",          "posterior_entropy", "prior_entropy",    "loss_actor",     "loss_critic",
    "grad_norm_model", "grad_norm_actor",   "grad_norm_critic", "action_entropy", "value_mean",
    "value_std",       "adv_mean",          "adv_std",          "ret_p05",        "ret_p95",
    "ret_scale",       "replay_ratio",      "replay_size",      "ready_steps",    "sps",
    "train_sps"};

constexpr std::array<std::string_view, 10> kOptionalJsonlKeys = {
    "kl_rep",   "free_bits_applied", "success_rate", "done_rate",   "dist_p10",
    "dist_p50", "dist_p90",          "mean_return",  "reward_mean", "episode_length_mean"};

// Python's datetime.now(timezone.utc).isoformat(), as the predecessor wrote.
std::string utc_now_isoformat_micros() {
  const auto now = std::chrono::system_clock::now();
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(now.time_since_epoch()).count() % 1000000;
  char fraction[16];
  std::snprintf(fraction, sizeof(fraction), ".%06lld+00:00", static_cast<long long>(micros));
  return format_utc(now, "%Y-%m-%dT%H:%M:%S") + fraction;
}

nlohmann::ordered_json env_steps_json(const std::optional<double>& value) {
  if (!value) return nullptr;
  const double rounded = std::nearbyint(*value);
  if (rounded == *value && std::fabs(rounded) < 9.0e15) return static_cast<std::int64_t>(rounded);
  return *value;
}

std::optional<double> optional_number_field(const nlohmann::ordered_json& root, const char* key,
                                            const std::string& source) {
  const auto it = root.find(key);
  if (it == root.end()) throw Error(source + ": missing field '" + key + "'");
  if (it->is_null()) return std::nullopt;
  if (!it->is_number()) throw Error(source + ": field '" + key + "' must be a number or null");
  return it->get<double>();
}

template <typename Value>
Value field(const nlohmann::ordered_json& root, const char* key, const std::string& source) {
  const auto it = root.find(key);
  if (it == root.end()) throw Error(source + ": missing field '" + key + "'");
  try {
    return it->get<Value>();
  } catch (const nlohmann::json::exception&) {
    throw Error(source + ": field '" + key + "' has the wrong type (" + it->type_name() + ")");
  }
}

// The name under which `key` (or an alias) appears in the window first.
std::optional<std::string> name_used(const RecordList& records, std::string_view key) {
  const std::string canonical = canonical_metric_name(key);
  const std::string predecessor = predecessor_metric_name(canonical);
  for (const nlohmann::json* record : records) {
    if (record->contains(canonical)) return canonical;
    if (record->contains(predecessor)) return predecessor;
  }
  return std::nullopt;
}

bool uses_predecessor_names(const RecordList& records) {
  for (const nlohmann::json* record : records) {
    for (const auto& item : record->items()) {
      if (is_predecessor_metric_name(item.key())) return true;
    }
  }
  return false;
}

void add_value(Baseline& baseline, const std::string& name, const std::vector<double>& values) {
  if (values.empty()) {
    baseline.missing_keys.push_back(name);
  } else {
    baseline.metrics.emplace_back(name, lower_median(values));
    baseline.keys.push_back(name);
  }
}

void capture_jsonl(const MetricSource& source, const CaptureOptions& options, Baseline& baseline) {
  const RecordList window = select_window(source.records, options.window);
  if (window.empty()) throw Error(source.path + ": no record with env_steps in the capture window");
  baseline.count = static_cast<std::int64_t>(window.size());
  const std::vector<double> steps = finite_values(window, "env_steps");
  baseline.env_steps_min = *std::min_element(steps.begin(), steps.end());
  baseline.env_steps_max = *std::max_element(steps.begin(), steps.end());
  if (!options.keys.empty()) {
    for (const std::string& key : options.keys) add_value(baseline, key, finite_values(window, key));
    return;
  }
  const bool predecessor_dialect = uses_predecessor_names(window);
  for (const std::string_view key : kDefaultJsonlKeys) {
    const auto used = name_used(window, key);
    const std::string name = used ? *used : (predecessor_dialect ? predecessor_metric_name(key) : std::string(key));
    add_value(baseline, name, finite_values(window, key));
  }
  for (const std::string_view key : kOptionalJsonlKeys) {
    if (const auto used = name_used(window, key)) add_value(baseline, *used, finite_values(window, key));
  }
}

void capture_json(const MetricSource& source, const CaptureOptions& options, Baseline& baseline) {
  baseline.count = 1;
  auto value_of = [&](const std::string& key) {
    std::vector<double> values;
    if (const auto value = finite_number(find_metric(source.summary, key))) values.push_back(*value);
    return values;
  };
  if (!options.keys.empty()) {
    for (const std::string& key : options.keys) add_value(baseline, key, value_of(key));
    return;
  }
  for (const auto& item : source.summary.items()) {
    if (item.value().is_number() || item.value().is_null()) add_value(baseline, item.key(), value_of(item.key()));
  }
}

std::optional<double> observed_value(const MetricSource& observed, const RecordList& window, const std::string& key) {
  if (observed.kind == InputKind::kJson) return finite_number(find_metric(observed.summary, key));
  const std::vector<double> values = finite_values(window, key);
  if (values.empty()) return std::nullopt;
  return lower_median(values);
}

bool key_present(const MetricSource& observed, const RecordList& window, const std::string& key) {
  if (observed.kind == InputKind::kJson) return find_metric(observed.summary, key) != nullptr;
  for (const nlohmann::json* record : window) {
    if (find_metric(*record, key) != nullptr) return true;
  }
  return false;
}

RuleResult nonfinite_run_rule(const Baseline& baseline, const MetricSource& observed, const CompareOptions& options) {
  const RecordList all = select_window(observed.records, MetricWindow{});
  std::size_t worst_run = 0;
  std::string worst_key;
  for (const auto& [key, value] : baseline.metrics) {
    if (!is_loss_metric(key)) continue;
    std::size_t run = 0;
    for (const nlohmann::json* record : all) {
      const nlohmann::json* found = find_metric(*record, key);
      if (found == nullptr) continue;
      run = finite_number(found) ? 0 : run + 1;
      if (run > worst_run) {
        worst_run = run;
        worst_key = key;
      }
    }
  }
  RuleResult result;
  result.rule = "no_sustained_non_finite";
  result.key = worst_key.empty() ? "*loss keys*" : worst_key;
  result.observed = static_cast<double>(worst_run);
  result.band_lo = 0.0;
  result.band_hi = static_cast<double>(options.max_nonfinite_run);
  result.status = worst_run > options.max_nonfinite_run ? RuleStatus::kFail : RuleStatus::kPass;
  result.detail = worst_run == 0
                      ? "every loss value of the run is finite"
                      : "longest run of non-finite values: " + std::to_string(worst_run) + " consecutive records of " +
                            worst_key + " (allowed " + std::to_string(options.max_nonfinite_run) + ")";
  return result;
}

}  // namespace

std::optional<double> Baseline::metric(std::string_view key) const {
  const std::string canonical = canonical_metric_name(key);
  for (const auto& [name, value] : metrics) {
    if (name == key || canonical_metric_name(name) == canonical) return value;
  }
  return std::nullopt;
}

std::span<const std::string_view> default_jsonl_keys() { return kDefaultJsonlKeys; }
std::span<const std::string_view> optional_jsonl_keys() { return kOptionalJsonlKeys; }

Baseline baseline_from_json(const nlohmann::ordered_json& root, const std::string& source) {
  if (!root.is_object()) throw Error(source + ": a baseline must be a JSON object");
  Baseline baseline;
  baseline.schema_version = field<int>(root, "schema_version", source);
  if (baseline.schema_version != kBaselineSchemaVersion) {
    throw Error(source + ": unsupported baseline schema_version " + std::to_string(baseline.schema_version) +
                " (this build reads " + std::to_string(kBaselineSchemaVersion) + ")");
  }
  baseline.created_at = field<std::string>(root, "created_at", source);
  baseline.source = field<std::string>(root, "source", source);
  baseline.input_kind = parse_input_kind(field<std::string>(root, "input_kind", source), source);
  baseline.env_steps_min = optional_number_field(root, "env_steps_min", source);
  baseline.env_steps_max = optional_number_field(root, "env_steps_max", source);
  baseline.count = field<std::int64_t>(root, "count", source);
  baseline.keys = field<std::vector<std::string>>(root, "keys", source);
  const auto metrics = root.find("metrics");
  if (metrics == root.end() || !metrics->is_object()) throw Error(source + ": field 'metrics' must be an object");
  for (const auto& item : metrics->items()) {
    if (!item.value().is_number()) throw Error(source + ": metric '" + item.key() + "' must be a number");
    baseline.metrics.emplace_back(item.key(), item.value().get<double>());
  }
  baseline.missing_keys = field<std::vector<std::string>>(root, "missing_keys", source);
  baseline.threshold_pct = field<double>(root, "threshold_pct", source);
  baseline.abs_tol = field<double>(root, "abs_tol", source);
  if (!(baseline.threshold_pct >= 0.0) || !(baseline.abs_tol >= 0.0)) {
    throw Error(source + ": threshold_pct and abs_tol must be non-negative");
  }
  if (const auto meta = root.find("source_meta"); meta != root.end()) {
    if (!meta->is_object()) throw Error(source + ": field 'source_meta' must be an object");
    baseline.source_meta = *meta;
  }
  return baseline;
}

nlohmann::ordered_json baseline_to_json(const Baseline& baseline) {
  nlohmann::ordered_json root;
  root["schema_version"] = baseline.schema_version;
  root["created_at"] = baseline.created_at;
  root["source"] = baseline.source;
  root["input_kind"] = to_string(baseline.input_kind);
  root["env_steps_min"] = env_steps_json(baseline.env_steps_min);
  root["env_steps_max"] = env_steps_json(baseline.env_steps_max);
  root["count"] = baseline.count;
  root["keys"] = baseline.keys;
  nlohmann::ordered_json metrics = nlohmann::ordered_json::object();
  for (const auto& [key, value] : baseline.metrics) metrics[key] = value;
  root["metrics"] = std::move(metrics);
  root["missing_keys"] = baseline.missing_keys;
  root["threshold_pct"] = baseline.threshold_pct;
  root["abs_tol"] = baseline.abs_tol;
  if (!baseline.source_meta.is_null()) root["source_meta"] = baseline.source_meta;
  return root;
}

Baseline read_baseline(const std::filesystem::path& path) {
  nlohmann::ordered_json root;
  try {
    root = nlohmann::ordered_json::parse(read_file_text(path));
  } catch (const nlohmann::json::exception& error) {
    throw Error(path.string() + ": invalid JSON: " + error.what());
  }
  return baseline_from_json(root, path.string());
}

void write_baseline(const std::filesystem::path& path, const Baseline& baseline) {
  write_file_atomic(path, baseline_to_json(baseline).dump(2) + "\n");
}

nlohmann::ordered_json describe_run_source(const std::filesystem::path& metrics_jsonl) {
  nlohmann::ordered_json described = nlohmann::ordered_json::object();
  const std::filesystem::path meta_path = metrics_jsonl.parent_path() / "meta.json";
  if (!std::filesystem::exists(meta_path)) return described;
  nlohmann::json meta;
  try {
    meta = nlohmann::json::parse(read_file_text(meta_path));
  } catch (const nlohmann::json::exception& error) {
    throw Error(meta_path.string() + ": invalid JSON: " + error.what());
  }
  if (!meta.is_object()) throw Error(meta_path.string() + ": must be a JSON object");
  const auto copy = [&](const char* to, const nlohmann::json::json_pointer& from) {
    if (meta.contains(from)) described[to] = meta.at(from);
  };
  copy("run_command", "/command_line"_json_pointer);
  copy("git_commit", "/git/commit"_json_pointer);
  copy("git_dirty", "/git/dirty"_json_pointer);
  copy("run_created_utc", "/created_utc"_json_pointer);
  copy("host", "/host"_json_pointer);
  copy("device", "/device"_json_pointer);
  copy("torch", "/versions/torch"_json_pointer);
  copy("cuda_runtime", "/versions/cuda_runtime"_json_pointer);
  copy("cuda_driver", "/versions/cuda_driver"_json_pointer);
  copy("nccl", "/versions/nccl"_json_pointer);
  copy("gpu_names", "/gpu_names"_json_pointer);
  return described;
}

Baseline capture_baseline(const MetricSource& source, const CaptureOptions& options) {
  if (!(options.threshold_pct >= 0.0) || !(options.abs_tol >= 0.0)) {
    throw Error("threshold_pct and abs_tol must be non-negative");
  }
  Baseline baseline;
  baseline.created_at = utc_now_isoformat_micros();
  baseline.source = source.path;
  baseline.input_kind = source.kind;
  baseline.threshold_pct = options.threshold_pct;
  baseline.abs_tol = options.abs_tol;
  if (source.kind == InputKind::kJsonl) {
    capture_jsonl(source, options, baseline);
  } else {
    capture_json(source, options, baseline);
  }
  std::sort(baseline.keys.begin(), baseline.keys.end());
  return baseline;
}

RuleResult compare_metric(const std::string& key, std::optional<double> observed, double baseline,
                          const Baseline& settings, const CompareOptions& options) {
  RuleResult result;
  result.rule = "baseline_band";
  result.key = key;
  result.observed = observed;
  result.baseline = baseline;
  result.baseline_source = options.baseline_source;
  const double tolerance = std::max(std::fabs(baseline) * settings.threshold_pct, settings.abs_tol);
  double lo = baseline - tolerance;
  double hi = baseline + tolerance;
  MetricDirection direction = metric_direction(key);
  const std::string canonical = canonical_metric_name(key);
  if (canonical == "success_rate") {
    result.rule = "success_rate_floor";
    lo = std::min(lo, options.success_rate_floor * baseline);
    direction = MetricDirection::kHigherIsBetter;
  } else if (canonical == "dist_p50") {
    result.rule = "dist_p50_ceiling";
    hi = std::max(hi, options.dist_p50_ceiling * baseline);
    direction = MetricDirection::kLowerIsBetter;
  }
  result.band_lo = lo;
  result.band_hi = hi;
  if (!observed) {
    result.status = RuleStatus::kMissing;
    result.detail = "the run has no finite value for this key";
    return result;
  }
  const double value = *observed;
  if (value >= lo && value <= hi) {
    result.status = RuleStatus::kPass;
    result.detail = "inside the band";
  } else if ((value > hi && direction == MetricDirection::kHigherIsBetter) ||
             (value < lo && direction == MetricDirection::kLowerIsBetter)) {
    result.status = RuleStatus::kImproved;
    result.detail = std::string(value > hi ? "above" : "below") + " the band, " + to_string(direction);
  } else {
    result.status = RuleStatus::kFail;
    result.detail = std::string(value > hi ? "above" : "below") + " the band, " + to_string(direction);
  }
  return result;
}

std::vector<RuleResult> compare_to_baseline(const Baseline& baseline, const MetricSource& observed,
                                            const CompareOptions& options) {
  RecordList window;
  if (observed.kind == InputKind::kJsonl) {
    MetricWindow chosen;
    if (options.window) {
      chosen = *options.window;
    } else {
      chosen.last = static_cast<std::size_t>(std::max<std::int64_t>(baseline.count, 1));
    }
    window = select_window(observed.records, chosen);
  }
  std::vector<RuleResult> results;
  for (const auto& [key, value] : baseline.metrics) {
    RuleResult result = compare_metric(key, observed_value(observed, window, key), value, baseline, options);
    if (result.status == RuleStatus::kMissing && key_present(observed, window, key)) {
      result.status = RuleStatus::kFail;
      result.detail = "present in the run but never finite in the window";
    } else if (result.status == RuleStatus::kMissing) {
      result.detail = "the run does not report this key (nor an alias of it)";
    }
    results.push_back(std::move(result));
  }
  const bool has_loss_key = std::any_of(baseline.metrics.begin(), baseline.metrics.end(),
                                        [](const auto& entry) { return is_loss_metric(entry.first); });
  if (observed.kind == InputKind::kJsonl && has_loss_key) {
    results.push_back(nonfinite_run_rule(baseline, observed, options));
  }
  return results;
}

}  // namespace dreamer::gates
