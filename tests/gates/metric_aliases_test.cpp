#include "gates/metric_aliases.hpp"

#include <gtest/gtest.h>

#include "gates/metric_direction.hpp"

namespace dreamer::gates {
namespace {

TEST(MetricAliases, TranslatesEveryPredecessorNameToOurs) {
  EXPECT_EQ(canonical_metric_name("Loss/world_model_loss"), "loss_model");
  EXPECT_EQ(canonical_metric_name("Loss/observation_loss"), "obs_nll");
  EXPECT_EQ(canonical_metric_name("Loss/state_loss"), "kl_total");
  EXPECT_EQ(canonical_metric_name("State/kl"), "kl_dyn");
  EXPECT_EQ(canonical_metric_name("State/post_entropy"), "posterior_entropy");
  EXPECT_EQ(canonical_metric_name("Grads/world_model"), "grad_norm_model");
  EXPECT_EQ(canonical_metric_name("Game/ep_len_avg"), "episode_length_mean");
  EXPECT_EQ(canonical_metric_name("sps"), "sps");
  EXPECT_EQ(predecessor_metric_name("loss_critic"), "Loss/value_loss");
  EXPECT_EQ(predecessor_metric_name("replay_ratio"), "replay_ratio");
  EXPECT_TRUE(is_predecessor_metric_name("Grads/critic"));
  EXPECT_FALSE(is_predecessor_metric_name("grad_norm_critic"));
}

TEST(MetricAliases, NamesAreUniqueOnBothSides) {
  for (const MetricAlias& a : metric_aliases()) {
    int same_predecessor = 0;
    int same_ours = 0;
    for (const MetricAlias& b : metric_aliases()) {
      same_predecessor += a.predecessor == b.predecessor ? 1 : 0;
      same_ours += a.ours == b.ours ? 1 : 0;
    }
    EXPECT_EQ(same_predecessor, 1) << a.predecessor;
    EXPECT_EQ(same_ours, 1) << a.ours;
  }
}

TEST(MetricAliases, FindMetricAcceptsEitherName) {
  const nlohmann::json ours = {{"obs_nll", 3.0}};
  const nlohmann::json theirs = {{"Loss/observation_loss", 4.0}};
  ASSERT_NE(find_metric(ours, "Loss/observation_loss"), nullptr);
  EXPECT_EQ(*find_metric(ours, "Loss/observation_loss"), 3.0);
  ASSERT_NE(find_metric(theirs, "obs_nll"), nullptr);
  EXPECT_EQ(*find_metric(theirs, "obs_nll"), 4.0);
  EXPECT_EQ(find_metric(theirs, "reward_nll"), nullptr);
}

TEST(MetricDirection, LossesAndTimesAreLowerIsBetterThroughputIsHigher) {
  EXPECT_EQ(metric_direction("Loss/observation_loss"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(metric_direction("kl_total"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(metric_direction("Grads/actor"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(metric_direction("actor_ms_mean"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(metric_direction("dist_p50"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(metric_direction("sps_mean"), MetricDirection::kHigherIsBetter);
  EXPECT_EQ(metric_direction("train_sps"), MetricDirection::kHigherIsBetter);
  EXPECT_EQ(metric_direction("success_rate"), MetricDirection::kHigherIsBetter);
  EXPECT_EQ(metric_direction("eval_success_rate"), MetricDirection::kHigherIsBetter);
  EXPECT_EQ(metric_direction("eval_steps_to_goal_p50"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(metric_direction("eval_dist_p50"), MetricDirection::kLowerIsBetter);
  EXPECT_EQ(metric_direction("mean_return"), MetricDirection::kHigherIsBetter);
  EXPECT_EQ(metric_direction("replay_ratio"), MetricDirection::kNone);
  EXPECT_EQ(metric_direction("State/prior_entropy"), MetricDirection::kNone);
  EXPECT_EQ(metric_direction("msgs_total"), MetricDirection::kNone);
  EXPECT_TRUE(is_loss_metric("Loss/reward_loss"));
  EXPECT_TRUE(is_loss_metric("kl_dyn"));
  EXPECT_FALSE(is_loss_metric("grad_norm_model"));
}

}  // namespace
}  // namespace dreamer::gates
