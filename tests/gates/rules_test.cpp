#include "gates/rules.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace dreamer::gates {
namespace {

MetricRecords series(const std::string& key, const std::vector<double>& values) {
  MetricRecords records;
  for (std::size_t i = 0; i < values.size(); ++i) {
    records.push_back({{"env_steps", 10 * (i + 1)}, {"opt_steps", i + 1}, {key, values[i]}});
  }
  return records;
}

TEST(ReconImproves, ExactlyTwentyFivePercentPasses) {
  // first window median 100, last window median 75: drop (100 - 75) / 100 = 0.25.
  const auto result = recon_improves(series("obs_nll", {100, 90, 110, 80, 75, 70, 76}));
  EXPECT_EQ(result.status, RuleStatus::kPass);
  EXPECT_DOUBLE_EQ(*result.observed, 0.25);
}

TEST(ReconImproves, JustUnderTwentyFivePercentFails) {
  const auto result = recon_improves(series("obs_nll", {100, 100, 100, 75.001, 75.001, 75.001}));
  EXPECT_EQ(result.status, RuleStatus::kFail);
  EXPECT_NEAR(*result.observed, 0.24999, 1e-9);
}

TEST(ReconImproves, FlatLossFailsAndPredecessorNamesWork) {
  EXPECT_EQ(recon_improves(series("Loss/observation_loss", {50, 50, 50, 50, 50, 50})).status, RuleStatus::kFail);
  EXPECT_EQ(recon_improves(series("Loss/observation_loss", {50, 50, 50, 10, 10, 10})).status, RuleStatus::kPass);
}

TEST(ReconImproves, TooFewValuesFailAndNoValuesAreMissing) {
  EXPECT_EQ(recon_improves(series("obs_nll", {100, 10, 1})).status, RuleStatus::kFail);
  EXPECT_EQ(recon_improves(series("loss_model", {1, 2, 3, 4, 5, 6})).status, RuleStatus::kMissing);
}

TEST(ReconImproves, OnlyCountsUpdatesWithinTheLimit) {
  // Updates 1..8; within 5 updates of the first: opt_steps 1..6 -> last window 70, 70, 70.
  const auto records = series("obs_nll", {100, 100, 100, 70, 70, 70, 1, 1});
  ReconImprovementOptions options;
  options.within_updates = 5;
  const auto result = recon_improves(records, options);
  EXPECT_DOUBLE_EQ(*result.observed, 0.3);
}

TEST(LossesFinite, NullOrNaNInAnyLossFails) {
  MetricRecords records = series("obs_nll", {3, 2, 1});
  EXPECT_EQ(losses_finite(records).status, RuleStatus::kPass);
  records[1]["kl_total"] = nullptr;
  const auto with_null = losses_finite(records);
  EXPECT_EQ(with_null.status, RuleStatus::kFail);
  EXPECT_EQ(with_null.observed, 1.0);
  EXPECT_NE(with_null.detail.find("kl_total in record 2"), std::string::npos);
  records[1]["kl_total"] = 1.0;
  records[2]["Loss/reward_loss"] = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(losses_finite(records).status, RuleStatus::kFail);
  EXPECT_EQ(losses_finite(series("sps", {1, 2})).status, RuleStatus::kMissing);
}

MetricRecords entropies(const std::vector<std::pair<double, double>>& prior_post) {
  MetricRecords records;
  for (std::size_t i = 0; i < prior_post.size(); ++i) {
    records.push_back({{"env_steps", i},
                       {"opt_steps", i},
                       {"prior_entropy", prior_post[i].first},
                       {"posterior_entropy", prior_post[i].second}});
  }
  return records;
}

TEST(EntropyGap, ExactlyPointThreeFailsJustBelowPasses) {
  // |10 - 7| / max(1, 10) = 0.3 exactly: the rule asks for < 0.3.
  const auto at_edge = entropy_gap(entropies({{10, 7}, {10, 7}, {10, 7}}));
  EXPECT_EQ(at_edge.status, RuleStatus::kFail);
  EXPECT_DOUBLE_EQ(*at_edge.observed, 0.3);
  EXPECT_EQ(entropy_gap(entropies({{10, 7.01}, {10, 7.01}})).status, RuleStatus::kPass);
}

TEST(EntropyGap, SmallPriorIsDividedByOneAndWarmupIsSkipped) {
  // prior 0.5, post 0.1: gap 0.4 / max(1, 0.5) = 0.4.
  EXPECT_DOUBLE_EQ(*entropy_gap(entropies({{0.5, 0.1}})).observed, 0.4);
  EntropyGapOptions options;
  options.warmup_updates = 2;
  // Records 0 and 1 are warm-up (huge gap); 2 and 3 are close.
  const auto result = entropy_gap(entropies({{100, 1}, {100, 1}, {100, 95}, {100, 96}}), options);
  EXPECT_EQ(result.status, RuleStatus::kPass);
  EXPECT_DOUBLE_EQ(*result.observed, 0.04);
}

TEST(EntropiesNonzero, CollapsedEntropyFails) {
  EXPECT_EQ(entropies_nonzero(entropies({{10, 9}})).status, RuleStatus::kPass);
  EXPECT_EQ(entropies_nonzero(entropies({{10, 9}, {10, 0}})).status, RuleStatus::kFail);
  EXPECT_EQ(entropies_nonzero(series("obs_nll", {1})).status, RuleStatus::kMissing);
}

// Training records (their success_rate may be high by luck) followed by the
// final greedy evaluation's record.
MetricRecords with_evaluation(double rate, int episodes) {
  MetricRecords records = series("success_rate", {1.0, 1.0});
  records.push_back({{"env_steps", 30},
                     {"opt_steps", 2},
                     {"final_eval", true},
                     {"eval_episodes", episodes},
                     {"eval_success_rate", rate}});
  return records;
}

TEST(GreedySuccess, OnlyTheFinalEvaluationCounts) {
  const GreedySuccessOptions options{0.9, 64};
  const auto learned = greedy_success(with_evaluation(0.90625, 64), options);  // 58 of 64
  EXPECT_EQ(learned.status, RuleStatus::kPass);
  EXPECT_DOUBLE_EQ(*learned.observed, 0.90625);
  // 57 of 64 = 0.890625 is short of 0.9, whatever the training records said.
  EXPECT_EQ(greedy_success(with_evaluation(0.890625, 64), options).status, RuleStatus::kFail);
  // An untrained agent's evaluation: nothing reached.
  EXPECT_EQ(greedy_success(with_evaluation(0.0, 64), options).status, RuleStatus::kFail);
}

TEST(GreedySuccess, TooFewEpisodesFail) {
  EXPECT_EQ(greedy_success(with_evaluation(1.0, 63), GreedySuccessOptions{0.9, 64}).status, RuleStatus::kFail);
  EXPECT_EQ(greedy_success(with_evaluation(1.0, 16), GreedySuccessOptions{0.8, 16}).status, RuleStatus::kPass);
}

TEST(GreedySuccess, ARunWithoutEvaluationIsMissing) {
  const auto result = greedy_success(series("success_rate", {1.0, 1.0}), GreedySuccessOptions{});
  EXPECT_EQ(result.status, RuleStatus::kMissing);
  MetricRecords flagged_false = with_evaluation(1.0, 64);
  flagged_false.back()["final_eval"] = false;
  EXPECT_EQ(greedy_success(flagged_false, GreedySuccessOptions{}).status, RuleStatus::kMissing);
}

TEST(ValueAtMost, EveryValueMustStayUnderTheCeiling) {
  EXPECT_EQ(value_at_most(series("packed2_unpack_ms", {0.2, 0.5}), "packed2_unpack_ms", 0.5).status, RuleStatus::kPass);
  const auto over = value_at_most(series("packed2_unpack_ms", {0.2, 0.51, 0.1}), "packed2_unpack_ms", 0.5);
  EXPECT_EQ(over.status, RuleStatus::kFail);
  EXPECT_EQ(over.rule, "packed2_unpack_ms_ceiling");
  EXPECT_DOUBLE_EQ(over.observed.value(), 0.51);
  EXPECT_EQ(value_at_most(series("sps", {1}), "packed2_unpack_ms", 0.5).status, RuleStatus::kMissing);
}

TEST(ReplayRatio, WithinRelativeToleranceOfTheTarget) {
  ReplayRatioOptions options;
  options.target = 32;
  options.tolerance = 0.25;
  // |40 - 32| / 32 = 0.25 exactly: inside.
  EXPECT_EQ(replay_ratio_within_target(series("replay_ratio", {40, 40, 40}), options).status, RuleStatus::kPass);
  EXPECT_EQ(replay_ratio_within_target(series("replay_ratio", {41, 41, 41}), options).status, RuleStatus::kFail);
  EXPECT_EQ(replay_ratio_within_target(series("replay_ratio", {23, 24, 25}), options).status, RuleStatus::kPass);
}

// 1000 env steps after a 200-step prefill at train ratio 32: 800 x 32 replayed
// steps over 1000 env steps reads 25.6, which is the target once the prefill
// is left out, and only then.
TEST(ReplayRatio, PrefillIsLeftOutWhenGiven) {
  MetricRecords records;
  records.push_back(nlohmann::json{{"env_steps", 1000}, {"replay_ratio", 25.6}});
  ReplayRatioOptions options;
  options.target = 32;
  options.tolerance = 0.05;
  EXPECT_EQ(replay_ratio_within_target(records, options).status, RuleStatus::kFail);
  options.prefill_env_steps = 200;
  const RuleResult adjusted = replay_ratio_within_target(records, options);
  EXPECT_EQ(adjusted.status, RuleStatus::kPass) << adjusted.detail;
  EXPECT_DOUBLE_EQ(adjusted.observed.value(), 32.0);
  options.prefill_env_steps = 1000;  // no env step after the prefill: nothing to judge
  EXPECT_EQ(replay_ratio_within_target(records, options).status, RuleStatus::kMissing);
}

TEST(SmokeRules, GoalTaskAddsGreedySuccessAndReplayRatioRules) {
  SmokeOptions options;
  EXPECT_EQ(smoke_rules(series("obs_nll", {1}), options).size(), 4u);
  options.greedy = GreedySuccessOptions{};
  options.replay_ratio = ReplayRatioOptions{32, 0.1, 0};
  const auto results = smoke_rules(series("obs_nll", {1}), options);
  ASSERT_EQ(results.size(), 6u);
  EXPECT_EQ(results[4].rule, "greedy_success");
}

}  // namespace
}  // namespace dreamer::gates
