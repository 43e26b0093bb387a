#include "gates/rules.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <sstream>

#include "common/error.hpp"
#include "gates/metric_aliases.hpp"
#include "gates/metric_direction.hpp"
#include "gates/metric_window.hpp"

namespace dreamer::gates {
namespace {

std::string number_text(double value) {
  std::ostringstream out;
  out.precision(6);
  out << value;
  return out.str();
}

RuleResult start(const char* rule, const std::string& key) {
  RuleResult result;
  result.rule = rule;
  result.key = key;
  return result;
}

RuleResult missing(RuleResult result, const std::string& detail) {
  result.status = RuleStatus::kMissing;
  result.detail = detail;
  return result;
}

RecordList objects(const MetricRecords& records) {
  RecordList list;
  for (const nlohmann::json& record : records) {
    if (record.is_object()) list.push_back(&record);
  }
  return list;
}

RecordList after_warmup(const MetricRecords& records, double warmup_updates) {
  RecordList list;
  for (const nlohmann::json* record : objects(records)) {
    const auto step = finite_number(find_metric(*record, kUpdateStepKey));
    if (warmup_updates > 0.0 && (!step || *step < warmup_updates)) continue;
    list.push_back(record);
  }
  return list;
}

}  // namespace

RuleResult recon_improves(const MetricRecords& records, const ReconImprovementOptions& options) {
  DREAMER_ASSERT(options.window > 0, "recon window must hold at least one record");
  RuleResult result = start("recon_improves", options.key);
  result.band_lo = options.min_drop;
  RecordList selected = objects(records);
  if (options.within_updates) {
    RecordList within;
    std::optional<double> first_step;
    for (const nlohmann::json* record : selected) {
      const auto step = finite_number(find_metric(*record, kUpdateStepKey));
      if (!step) continue;
      if (!first_step) first_step = *step;
      if (*step <= *first_step + *options.within_updates) within.push_back(record);
    }
    selected = std::move(within);
  }
  const std::vector<double> values = finite_values(selected, options.key);
  if (values.empty()) return missing(std::move(result), "the run reports no finite " + options.key);
  if (values.size() < 2 * options.window) {
    result.status = RuleStatus::kFail;
    result.detail = "needs " + std::to_string(2 * options.window) + " finite values of " + options.key + ", has " +
                    std::to_string(values.size());
    return result;
  }
  const auto window = static_cast<std::ptrdiff_t>(options.window);
  const double first = lower_median(std::vector<double>(values.begin(), values.begin() + window));
  const double last = lower_median(std::vector<double>(values.end() - window, values.end()));
  const double drop = first != 0.0 ? (first - last) / std::fabs(first) : 0.0;
  result.observed = drop;
  result.status = drop >= options.min_drop ? RuleStatus::kPass : RuleStatus::kFail;
  result.detail = options.key + " went from " + number_text(first) + " to " + number_text(last) + " (drop " +
                  number_text(drop * 100.0) + "%, needs >= " + number_text(options.min_drop * 100.0) + "%)";
  return result;
}

RuleResult losses_finite(const MetricRecords& records) {
  RuleResult result = start("losses_finite", "*loss keys*");
  result.band_lo = 0.0;
  result.band_hi = 0.0;
  std::size_t checked = 0;
  std::size_t bad = 0;
  std::string first_bad;
  std::size_t line = 0;
  for (const nlohmann::json& record : records) {
    ++line;
    if (!record.is_object()) continue;
    for (const auto& item : record.items()) {
      if (!is_loss_metric(item.key())) continue;
      ++checked;
      if (finite_number(&item.value())) continue;
      ++bad;
      if (first_bad.empty()) first_bad = item.key() + " in record " + std::to_string(line);
    }
  }
  if (checked == 0) return missing(std::move(result), "the run reports no loss key");
  result.observed = static_cast<double>(bad);
  result.status = bad == 0 ? RuleStatus::kPass : RuleStatus::kFail;
  result.detail = bad == 0 ? std::to_string(checked) + " loss values, all finite"
                           : std::to_string(bad) + " of " + std::to_string(checked) +
                                 " loss values are null/non-finite; first: " + first_bad;
  return result;
}

RuleResult entropy_gap(const MetricRecords& records, const EntropyGapOptions& options) {
  RuleResult result = start("entropy_gap", "prior_entropy,posterior_entropy");
  result.band_lo = 0.0;
  result.band_hi = options.max_gap;
  std::vector<double> gaps;
  for (const nlohmann::json* record : after_warmup(records, options.warmup_updates)) {
    const auto prior = finite_number(find_metric(*record, "prior_entropy"));
    const auto posterior = finite_number(find_metric(*record, "posterior_entropy"));
    if (!prior || !posterior) continue;
    gaps.push_back(std::fabs(*prior - *posterior) / std::max(1.0, *prior));
  }
  if (gaps.empty()) {
    return missing(std::move(result), "no record after warm-up has finite prior and posterior entropies");
  }
  const double gap = lower_median(gaps);
  result.observed = gap;
  result.status = gap < options.max_gap ? RuleStatus::kPass : RuleStatus::kFail;
  result.detail = "median |prior - post| / max(1, prior) over " + std::to_string(gaps.size()) +
                  " records = " + number_text(gap) + " (needs < " + number_text(options.max_gap) + ")";
  return result;
}

RuleResult entropies_nonzero(const MetricRecords& records, double min_entropy) {
  constexpr std::array<const char*, 3> kKeys = {"prior_entropy", "posterior_entropy", "action_entropy"};
  RuleResult result = start("entropies_nonzero", "prior_entropy,posterior_entropy,action_entropy");
  result.band_lo = min_entropy;
  const RecordList all = objects(records);
  std::optional<double> smallest;
  std::string smallest_key;
  for (const char* key : kKeys) {
    for (const double value : finite_values(all, key)) {
      if (!smallest || value < *smallest) {
        smallest = value;
        smallest_key = key;
      }
    }
  }
  if (!smallest) return missing(std::move(result), "the run reports no finite entropy");
  result.observed = *smallest;
  result.status = *smallest > min_entropy ? RuleStatus::kPass : RuleStatus::kFail;
  result.detail = "smallest entropy: " + smallest_key + " = " + number_text(*smallest);
  return result;
}

RuleResult greedy_success(const MetricRecords& records, const GreedySuccessOptions& options) {
  RuleResult result = start("greedy_success", "eval_success_rate");
  result.band_lo = options.min_rate;
  const nlohmann::json* evaluation = nullptr;
  for (const nlohmann::json* record : objects(records)) {
    const auto flag = record->find("final_eval");
    if (flag != record->end() && flag->is_boolean() && flag->get<bool>()) evaluation = record;
  }
  if (evaluation == nullptr) return missing(std::move(result), "the run has no final greedy evaluation record");
  const auto rate = finite_number(find_metric(*evaluation, "eval_success_rate"));
  const auto episodes = finite_number(find_metric(*evaluation, "eval_episodes"));
  if (!rate || !episodes)
    return missing(std::move(result), "the evaluation record lacks eval_success_rate or eval_episodes");
  result.observed = *rate;
  const bool enough = *episodes >= options.min_episodes;
  result.status = enough && *rate >= options.min_rate ? RuleStatus::kPass : RuleStatus::kFail;
  result.detail = "greedy success " + number_text(*rate) + " over " + number_text(*episodes) +
                  " episodes (needs >= " + number_text(options.min_rate) +
                  " over >= " + std::to_string(options.min_episodes) + ")";
  return result;
}

RuleResult value_at_most(const MetricRecords& records, const std::string& key, double ceiling) {
  RuleResult result = start("", key);
  result.rule = key + "_ceiling";
  result.band_hi = ceiling;
  const std::vector<double> values = finite_values(objects(records), key);
  if (values.empty()) return missing(std::move(result), "no finite " + key + " reported");
  const double worst = *std::max_element(values.begin(), values.end());
  result.observed = worst;
  result.status = worst <= ceiling ? RuleStatus::kPass : RuleStatus::kFail;
  result.detail = "largest " + key + " " + number_text(worst) + " vs ceiling " + number_text(ceiling);
  return result;
}

RuleResult replay_ratio_within_target(const MetricRecords& records, const ReplayRatioOptions& options) {
  if (!(options.target > 0.0)) throw ConfigError("replay_ratio.target", "must be > 0");
  RuleResult result = start("replay_ratio_target", "replay_ratio");
  result.baseline = options.target;
  result.band_lo = options.target * (1.0 - options.tolerance);
  result.band_hi = options.target * (1.0 + options.tolerance);
  std::vector<double> values;
  for (const nlohmann::json* record : after_warmup(records, options.warmup_updates)) {
    const auto ratio = finite_number(find_metric(*record, "replay_ratio"));
    const auto env_steps = finite_number(find_metric(*record, "env_steps"));
    if (!ratio) continue;
    if (options.prefill_env_steps <= 0.0) {
      values.push_back(*ratio);
    } else if (env_steps && *env_steps > options.prefill_env_steps) {
      values.push_back(*ratio * *env_steps / (*env_steps - options.prefill_env_steps));
    }
  }
  if (values.empty()) return missing(std::move(result), "no finite replay_ratio after warm-up");
  const double observed = lower_median(values);
  const double relative = std::fabs(observed - options.target) / options.target;
  result.observed = observed;
  result.status = relative <= options.tolerance ? RuleStatus::kPass : RuleStatus::kFail;
  const std::string since =
      options.prefill_env_steps > 0.0
          ? " (over the env steps after the " + number_text(options.prefill_env_steps) + "-step prefill)"
          : "";
  result.detail = "median replay_ratio" + since + " " + number_text(observed) + " vs target " +
                  number_text(options.target) + " (off by " + number_text(relative * 100.0) + "%, allowed " +
                  number_text(options.tolerance * 100.0) + "%)";
  return result;
}

std::vector<RuleResult> smoke_rules(const MetricRecords& records, const SmokeOptions& options) {
  std::vector<RuleResult> results;
  results.push_back(losses_finite(records));
  results.push_back(recon_improves(records, options.recon));
  results.push_back(entropy_gap(records, options.entropy));
  results.push_back(entropies_nonzero(records));
  if (options.greedy) results.push_back(greedy_success(records, *options.greedy));
  if (options.replay_ratio) results.push_back(replay_ratio_within_target(records, *options.replay_ratio));
  return results;
}

}  // namespace dreamer::gates
