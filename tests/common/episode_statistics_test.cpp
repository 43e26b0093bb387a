// Episode statistics against values worked out by hand.
#include "common/run/episode_statistics.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "common/error.hpp"

namespace dreamer {
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
  const EpisodeStatistics stats = summarize_episodes(five_episodes());
  EXPECT_EQ(stats.episodes, 5);
  EXPECT_EQ(stats.successes, 3);
  EXPECT_DOUBLE_EQ(stats.success_rate, 0.6);
  // 3 of 5 ended by termination (the goal), 2 by truncation.
  EXPECT_DOUBLE_EQ(stats.done_rate, 0.6);
  EXPECT_DOUBLE_EQ(stats.mean_return, 9.72 / 5.0);  // 2.5 - 1 + 9 - 1.28 + 0.5 = 9.72
  EXPECT_DOUBLE_EQ(stats.episode_length_mean, 63.2);
}

TEST(EpisodeStatistics, DoneRateIsAShareInZeroToOneWhateverTheEpisodeLengths) {
  // The old definition (episodes x max_steps / env steps) gave 128 x 4 / 4 = 128
  // for four one-step successes.
  const std::vector<EpisodeOutcome> quick = {
      {10, 1, 0.0, true}, {10, 1, 0.0, true}, {10, 1, 0.0, true}, {10, 1, 0.0, true}};
  EXPECT_DOUBLE_EQ(summarize_episodes(quick).done_rate, 1.0);
  const std::vector<EpisodeOutcome> truncated = {{-1.28, 128, 0.5, false}};
  EXPECT_DOUBLE_EQ(summarize_episodes(truncated).done_rate, 0.0);
}

TEST(EpisodeStatistics, EndDistancePercentilesAreNearestRankValues) {
  // Sorted end distances 0.01 0.02 0.03 0.30 0.40 (n - 1 = 4):
  // p10 -> round(0.4) = 0, p50 -> round(2.0) = 2, p90 -> round(3.6) = 4.
  const EpisodeStatistics stats = summarize_episodes(five_episodes());
  EXPECT_DOUBLE_EQ(stats.dist_p10, 0.01);
  EXPECT_DOUBLE_EQ(stats.dist_p50, 0.03);
  EXPECT_DOUBLE_EQ(stats.dist_p90, 0.40);
}

TEST(EpisodeStatistics, StepsToGoalIsTheMedianLengthOfSuccessfulEpisodesOnly) {
  // Successful lengths 10, 20, 30; the truncated 128s must not count.
  const EpisodeStatistics stats = summarize_episodes(five_episodes());
  ASSERT_TRUE(stats.steps_to_goal_p50.has_value());
  EXPECT_DOUBLE_EQ(*stats.steps_to_goal_p50, 20.0);
}

TEST(EpisodeStatistics, NoSuccessLeavesStepsToGoalEmpty) {
  const std::vector<EpisodeOutcome> outcomes = {{-1.0, 64, 0.5, false}, {-2.0, 64, 0.7, false}};
  const EpisodeStatistics stats = summarize_episodes(outcomes);
  EXPECT_FALSE(stats.steps_to_goal_p50.has_value());
  EXPECT_DOUBLE_EQ(stats.success_rate, 0.0);
  EXPECT_DOUBLE_EQ(stats.done_rate, 0.0);
  EXPECT_DOUBLE_EQ(stats.mean_return, -1.5);
}

TEST(EpisodeStatistics, NoEpisodesGiveZerosNotNaN) {
  const EpisodeStatistics stats = summarize_episodes({});
  EXPECT_EQ(stats.episodes, 0);
  EXPECT_DOUBLE_EQ(stats.success_rate, 0.0);
  EXPECT_DOUBLE_EQ(stats.mean_return, 0.0);
  EXPECT_DOUBLE_EQ(stats.done_rate, 0.0);
  EXPECT_FALSE(stats.steps_to_goal_p50.has_value());
}

TEST(EpisodeStatistics, OutcomesRoundTripThroughTheReportForm) {
  std::vector<EpisodeOutcome> back;
  append_episode_outcomes(episode_outcomes_to_json(five_episodes()), back);
  ASSERT_EQ(back.size(), 5u);
  EXPECT_DOUBLE_EQ(back[3].episode_return, -1.28);
  EXPECT_EQ(back[3].length, 128);
  EXPECT_DOUBLE_EQ(back[3].end_dist, 0.30);
  EXPECT_FALSE(back[3].success);
  EXPECT_TRUE(back[4].success);
  nlohmann::json broken = episode_outcomes_to_json(five_episodes());
  broken["success"].erase(0);
  EXPECT_THROW(append_episode_outcomes(broken, back), Error);
}

TEST(EpisodeStatistics, RecordKeysCarryTheCountAndNoRateWithoutEpisodes) {
  nlohmann::json none;
  add_episode_metrics(none, summarize_episodes({}));
  EXPECT_EQ(none, (nlohmann::json{{"episodes", 0}}));
  nlohmann::json five;
  add_episode_metrics(five, summarize_episodes(five_episodes()));
  EXPECT_EQ(five["episodes"], 5);
  EXPECT_DOUBLE_EQ(five["success_rate"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(five["ep_len_mean"].get<double>(), 63.2);
  EXPECT_DOUBLE_EQ(five["steps_to_goal_p50"].get<double>(), 20.0);
}

}  // namespace
}  // namespace dreamer
