#pragma once
// Frozen baselines and the comparison of a new run against them.
//
// The file format is the predecessor's (schema_version 1), read and written
// unchanged so that old baselines keep working:
//
//   {
//     "schema_version": 1,
//     "created_at": "2026-01-31T12:47:15.730817+00:00",
//     "source": "bench/runs/rl/<run>/metrics.jsonl",
//     "input_kind": "jsonl" | "json",
//     "env_steps_min": 384 | null,      env_steps range of the captured window
//     "env_steps_max": 384 | null,      (null for a JSON summary)
//     "count": 1,                       records in the window (1 for a summary)
//     "keys": [...],                    captured keys, sorted
//     "metrics": {"key": value, ...},   lower median per key, capture order
//     "missing_keys": [...],            asked for, but no finite value
//     "threshold_pct": 0.15,
//     "abs_tol": 1e-06,
//     "source_meta": {...}              optional (ours): how the source was
//   }                                   produced, see describe_run_source()
//
// source_meta is written only when set, so the predecessor's files still
// round-trip byte for byte.
//
// Comparison: for each baseline key the observed value is the lower median
// over the same kind of window of the new run (by default the last `count`
// records). band = [b - t, b + t] with t = max(|b| x threshold_pct, abs_tol).
// Inside: PASS. Outside: IMPROVED in the metric's good direction
// (gates/metric_direction.hpp), FAIL in the bad one or for a metric without
// a direction. A key the run lacks is MISSING (a failure). Goal-task keys
// have looser one-sided floors instead (DESIGN.md §8):
//   success_rate  PASS band [0.6 x b, b + t], IMPROVED above, FAIL below;
//   dist_p50      PASS band [b - t, 1.2 x b], IMPROVED below, FAIL above.
// For a metrics.jsonl run one more rule fails the run when a loss key of
// the baseline is non-finite (null) in more than max_nonfinite_run
// consecutive records anywhere in the run.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "gates/metric_source.hpp"
#include "gates/metric_window.hpp"
#include "gates/verdict.hpp"

namespace dreamer::gates {

inline constexpr int kBaselineSchemaVersion = 1;
inline constexpr double kDefaultThresholdPct = 0.15;
inline constexpr double kDefaultAbsTol = 1e-6;

struct Baseline {
  int schema_version = kBaselineSchemaVersion;
  std::string created_at;  // ISO 8601 with microseconds and "+00:00"
  std::string source;
  InputKind input_kind = InputKind::kJsonl;
  std::optional<double> env_steps_min;
  std::optional<double> env_steps_max;
  std::int64_t count = 0;
  std::vector<std::string> keys;
  std::vector<std::pair<std::string, double>> metrics;
  std::vector<std::string> missing_keys;
  double threshold_pct = kDefaultThresholdPct;
  double abs_tol = kDefaultAbsTol;
  nlohmann::ordered_json source_meta;  // null: absent; else an object

  // The frozen value of `key` or of an alias of it.
  std::optional<double> metric(std::string_view key) const;
};

// Throws dreamer::Error naming the source and field on a malformed file.
Baseline baseline_from_json(const nlohmann::ordered_json& root, const std::string& source);
nlohmann::ordered_json baseline_to_json(const Baseline& baseline);
Baseline read_baseline(const std::filesystem::path& path);
// Pretty-printed like the predecessor (indent 2, trailing newline), atomically.
void write_baseline(const std::filesystem::path& path, const Baseline& baseline);

// Keys captured from a metrics.jsonl when none are named: reported as
// missing when absent (the predecessor's list, in its order) ...
std::span<const std::string_view> default_jsonl_keys();
// ... and captured only when present (goal-task and newer metrics).
std::span<const std::string_view> optional_jsonl_keys();

// Provenance of a run's metrics.jsonl for source_meta, from the meta.json of
// its run directory (DESIGN.md §9) when there is one:
//   {"run_command": ..., "git_commit": ..., "git_dirty": ..., "run_created_utc": ...,
//    "host": ..., "device": ..., "torch": ..., "cuda_runtime": ...,
//    "cuda_driver": ..., "nccl": ..., "gpu_names": [...]}
// An empty object when the folder holds no meta.json; throws dreamer::Error
// on a malformed one.
nlohmann::ordered_json describe_run_source(const std::filesystem::path& metrics_jsonl);

struct CaptureOptions {
  MetricWindow window;            // jsonl only
  std::vector<std::string> keys;  // empty: the defaults above / every number of a summary
  double threshold_pct = kDefaultThresholdPct;
  double abs_tol = kDefaultAbsTol;
};

// Without named keys, a jsonl capture writes each default key under the name
// the run used; absent defaults go to missing_keys under the predecessor's
// names if the run used any of those, else under ours. A summary capture
// takes every top-level number in file order (null values go to
// missing_keys). Named keys are written as named. Throws dreamer::Error when
// the window holds no record.
Baseline capture_baseline(const MetricSource& source, const CaptureOptions& options);

struct CompareOptions {
  std::optional<MetricWindow> window;  // jsonl; default: last `count` records
  std::size_t max_nonfinite_run = 3;
  double success_rate_floor = 0.6;
  double dist_p50_ceiling = 1.2;
  std::string baseline_source;  // recorded in each rule result
};

// One rule result per baseline key (plus the non-finite run rule for jsonl).
std::vector<RuleResult> compare_to_baseline(const Baseline& baseline, const MetricSource& observed,
                                            const CompareOptions& options);

// The band rule for one key, exposed for tests and for the scenario rules.
RuleResult compare_metric(const std::string& key, std::optional<double> observed, double baseline,
                          const Baseline& settings, const CompareOptions& options);

}  // namespace dreamer::gates
