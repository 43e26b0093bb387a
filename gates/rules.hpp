#pragma once
// Smoke rules (DESIGN.md §8): checks that a short run learns at all and
// stays numerically sane. Each rule reads the records of one metrics.jsonl
// (objects in file order; alias-aware lookups, so predecessor logs work too)
// and returns one RuleResult: PASS, FAIL, or MISSING when the run never
// reported what the rule needs. Statistics are lower medians
// (gates/metric_window.hpp).
//
//   recon_improves        obs_nll falls by >= 25%: lower median of the first
//                         3 finite values vs of the last 3 (within the first
//                         N updates when asked); drop = (first - last)/|first|
//   losses_finite         no null/NaN/inf in any loss key (loss_*, *_nll, kl_*)
//   entropy_gap           |prior - post| / max(1, prior) per record, lower
//                         median over the records after warm-up, < 0.3
//   entropies_nonzero     every prior/posterior/action entropy value > 1e-6
//   greedy_success        the run's final greedy evaluation (the record
//                         with "final_eval": true, launch/policy_evaluation.hpp)
//                         has eval_success_rate >= min_rate over
//                         >= min_episodes episodes; MISSING without one
//   replay_ratio_target   |median replay_ratio - target| / target <= tol
//   <key>_ceiling         every finite value of a key (e.g. a bench's
//                         packed2_unpack_ms) <= a fixed ceiling
//
// Warm-up and "within N updates" count optimizer updates (`opt_steps`);
// records without that field are skipped by those filters.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "gates/verdict.hpp"

namespace dreamer::gates {

using MetricRecords = std::vector<nlohmann::json>;

inline constexpr const char* kUpdateStepKey = "opt_steps";

struct ReconImprovementOptions {
  std::string key = "obs_nll";
  std::size_t window = 3;
  double min_drop = 0.25;
  std::optional<double> within_updates;  // only records with opt_steps <= first + N
};

struct EntropyGapOptions {
  double warmup_updates = 0.0;  // only records with opt_steps >= this
  double max_gap = 0.3;         // PASS when gap < max_gap
};

struct ReplayRatioOptions {
  double target = 0.0;  // must be > 0
  double tolerance = 0.1;
  double warmup_updates = 0.0;
  // The run's --min-replay: replay_ratio counts every env step, but nothing
  // is replayed before the first update, so a short run sits below its target
  // by target x prefill / env_steps. With a prefill the rule judges the ratio
  // over the env steps since training began: replay_ratio x env / (env - prefill).
  double prefill_env_steps = 0.0;
};

RuleResult recon_improves(const MetricRecords& records, const ReconImprovementOptions& options = {});
RuleResult losses_finite(const MetricRecords& records);
RuleResult entropy_gap(const MetricRecords& records, const EntropyGapOptions& options = {});
RuleResult entropies_nonzero(const MetricRecords& records, double min_entropy = 1e-6);
struct GreedySuccessOptions {
  double min_rate = 0.9;
  int min_episodes = 64;
};
RuleResult greedy_success(const MetricRecords& records, const GreedySuccessOptions& options);
RuleResult value_at_most(const MetricRecords& records, const std::string& key, double ceiling);
RuleResult replay_ratio_within_target(const MetricRecords& records, const ReplayRatioOptions& options);

// The smoke set of a CPU/GPU smoke run. The goal-task rule (greedy_success)
// and the replay-ratio rule are included when asked for.
struct SmokeOptions {
  ReconImprovementOptions recon;
  EntropyGapOptions entropy;
  std::optional<GreedySuccessOptions> greedy;
  std::optional<ReplayRatioOptions> replay_ratio;
};
std::vector<RuleResult> smoke_rules(const MetricRecords& records, const SmokeOptions& options);

}  // namespace dreamer::gates
