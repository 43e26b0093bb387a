#pragma once
// A gate's verdict: every rule's outcome, the overall status, and a one-line
// summary. Written as verdict.json:
//
//   {
//     "gate": "cpu-daily",
//     "created_utc": "2026-11-26T01:40:00Z",
//     "status": "PASS" | "FAIL",
//     "summary": "gate cpu-daily: PASS (7 rules: 6 PASS, 1 IMPROVED)",
//     "rules": [
//       {"rule": "baseline_band", "key": "obs_nll", "status": "PASS",
//        "observed": 12.5, "baseline": 13.0, "baseline_source": "b.json",
//        "band": [11.05, 14.95], "detail": "..."}
//     ]
//   }
//
// observed/baseline are null when absent or non-finite; baseline_source is
// null for rules without a baseline; a band edge is null where the band is
// open. The verdict FAILs when any rule is FAIL or MISSING, or when it holds
// no rule at all (a gate that checked nothing proves nothing).
#include <nlohmann/json.hpp>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace dreamer::gates {

enum class RuleStatus { kPass, kFail, kImproved, kMissing };

const char* to_string(RuleStatus status);
// Counts as a failure of the gate (FAIL, MISSING).
bool is_failure(RuleStatus status);

struct RuleResult {
  std::string rule;  // e.g. "baseline_band", "recon_improves"
  std::string key;   // the metric it looked at
  RuleStatus status = RuleStatus::kFail;
  std::optional<double> observed;
  std::optional<double> baseline;
  std::optional<std::string> baseline_source;
  std::optional<double> band_lo;  // PASS interval, inclusive; nullopt = open
  std::optional<double> band_hi;
  std::string detail;
};

struct Verdict {
  std::string gate;
  std::string created_utc;  // ISO 8601, "Z"
  std::vector<RuleResult> rules;

  bool passed() const;
  // "gate <name>: PASS (<n> rules: <k> PASS, <m> IMPROVED, ...)".
  std::string summary() const;
  nlohmann::ordered_json to_json() const;
};

Verdict make_verdict(std::string gate, std::vector<RuleResult> rules);

// verdict.json through common/file_io's write_file_atomic.
void write_verdict(const std::filesystem::path& path, const Verdict& verdict);

// Reads a verdict.json back (for tools and tests); throws dreamer::Error on a
// malformed file.
Verdict read_verdict(const std::filesystem::path& path);

}  // namespace dreamer::gates
