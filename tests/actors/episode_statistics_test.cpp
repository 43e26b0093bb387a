// Episode statistics against values worked out by hand.
#include "actors/episode_statistics.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace dreamer::actors {
namespace {

// Five episodes of a task with max_steps 128: three reach the goal (lengths
// 10, 30, 20), two are truncated at 128.
std::vector<EpisodeOutcome> five_episodes() {
  return {{2.5, 10, 0.02, true},
          {-1.0, 128, 0.40, false},
          {9.0, 30, 0.01, true},
          {-1.28, 128, 0.30, false},
          {0.5, 20, 0.03, true}};
}

TEST(EpisodeStatistics, RatesAndMeansMatchHandComputedValues) {
  const std::vector<EpisodeOutcome> outcomes = five_episodes();
  // env steps = 10 + 128 + 30 + 128 + 20 = 316
  const EpisodeStatistics stats = summarize_episodes(outcomes, 128, 316);
  EXPECT_EQ(stats.episodes, 5);
  EXPECT_EQ(stats.successes, 3);
  EXPECT_DOUBLE_EQ(stats.success_rate, 0.6);
  EXPECT_DOUBLE_EQ(stats.mean_return, 9.72 / 5.0);  // 2.5 - 1 + 9 - 1.28 + 0.5 = 9.72
  EXPECT_DOUBLE_EQ(stats.episode_length_mean, 63.2);
  EXPECT_DOUBLE_EQ(stats.done_rate, 640.0 / 316.0);  // 5 episodes * 128 / 316 steps
}

TEST(EpisodeStatistics, EndDistancePercentilesAreNearestRankValues) {
  // Sorted end distances 0.01 0.02 0.03 0.30 0.40 (n - 1 = 4):
  // p10 -> round(0.4) = 0, p50 -> round(2.0) = 2, p90 -> round(3.6) = 4.
  const EpisodeStatistics stats = summarize_episodes(five_episodes(), 128, 316);
  EXPECT_DOUBLE_EQ(stats.dist_p10, 0.01);
  EXPECT_DOUBLE_EQ(stats.dist_p50, 0.03);
  EXPECT_DOUBLE_EQ(stats.dist_p90, 0.40);
}

TEST(EpisodeStatistics, StepsToGoalIsTheMedianLengthOfSuccessfulEpisodesOnly) {
  // Successful lengths 10, 20, 30; the truncated 128s must not count.
  const EpisodeStatistics stats = summarize_episodes(five_episodes(), 128, 316);
  ASSERT_TRUE(stats.steps_to_goal_p50.has_value());
  EXPECT_DOUBLE_EQ(*stats.steps_to_goal_p50, 20.0);
}

TEST(EpisodeStatistics, NoSuccessLeavesStepsToGoalEmpty) {
  const std::vector<EpisodeOutcome> outcomes = {{-1.0, 64, 0.5, false}, {-2.0, 64, 0.7, false}};
  const EpisodeStatistics stats = summarize_episodes(outcomes, 64, 128);
  EXPECT_FALSE(stats.steps_to_goal_p50.has_value());
  EXPECT_DOUBLE_EQ(stats.success_rate, 0.0);
  EXPECT_DOUBLE_EQ(stats.done_rate, 1.0);  // every episode ran its full 64 steps
  EXPECT_DOUBLE_EQ(stats.mean_return, -1.5);
}

TEST(EpisodeStatistics, NoEpisodesGiveZerosNotNaN) {
  const EpisodeStatistics stats = summarize_episodes({}, 128, 0);
  EXPECT_EQ(stats.episodes, 0);
  EXPECT_DOUBLE_EQ(stats.success_rate, 0.0);
  EXPECT_DOUBLE_EQ(stats.mean_return, 0.0);
  EXPECT_DOUBLE_EQ(stats.done_rate, 0.0);
  EXPECT_FALSE(stats.steps_to_goal_p50.has_value());
}

}  // namespace
}  // namespace dreamer::actors
