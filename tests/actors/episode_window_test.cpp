// The actors' episode window against hand-worked ticks.
#include "actors/episode_window.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace dreamer::actors {
namespace {

// One tick of `envs` envs: per env 'F' (reset observation), '.' (a step),
// 'G' (a step that reaches the goal) or 'T' (a step truncated at max_steps).
// Every step earns reward 1 and ends at distance 0.5 (0 at the goal).
void tick(EpisodeWindow& window, const char* rows) {
  for (int e = 0; rows[e] != '\0'; ++e) {
    const char row = rows[e];
    window.record(e, row == 'F', 1.0f, row == 'G' ? 0.0f : 0.5f, row == 'G', row == 'T');
  }
  window.end_tick();
}

// The start of a run, in small: 4 envs, max_steps 4. Env 0 reaches the goal
// on its 2nd step (tick 2); envs 1-3 are truncated on their 4th (tick 4).
// Counted by end time, a record after tick 2 would hold one episode with
// success_rate 1.0. Held to its deadline (tick 2 + 4 - 2 = 4), env 0's
// episode is reported with the three truncations: success 1 in 4.
TEST(EpisodeWindow, AnEarlySuccessWaitsForItsDeadlineSoTheFirstRecordIsNotBiased) {
  EpisodeWindow window(4, 4);
  tick(window, "FFFF");  // tick 0: reset observations
  tick(window, "....");  // tick 1
  tick(window, "G...");  // tick 2: env 0 at the goal after 2 steps
  EXPECT_TRUE(window.take().empty()) << "an early success must not be reported alone";
  EXPECT_EQ(window.held(), 1u);
  tick(window, "F...");  // tick 3: env 0 resets
  tick(window, ".TTT");  // tick 4: envs 1-3 truncated after 4 steps; env 0's deadline
  const std::vector<EpisodeOutcome> first = window.take();
  ASSERT_EQ(first.size(), 4u);
  const EpisodeStatistics stats = summarize_episodes(first);
  EXPECT_DOUBLE_EQ(stats.success_rate, 0.25);
  EXPECT_DOUBLE_EQ(stats.episode_length_mean, (2.0 + 4 + 4 + 4) / 4);
  EXPECT_DOUBLE_EQ(stats.mean_return, (2.0 + 4 + 4 + 4) / 4);
  EXPECT_DOUBLE_EQ(stats.dist_p50, 0.5);
}

TEST(EpisodeWindow, EachEpisodeIsReportedOnceAtEndTickPlusMaxStepsMinusLength) {
  EpisodeWindow window(1, 3);
  tick(window, "F");  // tick 0
  tick(window, "G");  // tick 1: length 1, due at tick 1 + 3 - 1 = 3
  tick(window, "F");  // tick 2
  EXPECT_TRUE(window.take().empty());
  tick(window, ".");  // tick 3: released at its end
  std::vector<EpisodeOutcome> released = window.take();
  ASSERT_EQ(released.size(), 1u);
  EXPECT_TRUE(released[0].success);
  EXPECT_EQ(released[0].length, 1);
  EXPECT_DOUBLE_EQ(released[0].end_dist, 0.0);
  tick(window, ".");  // tick 4
  tick(window, "T");  // tick 5: truncated after 3 steps, due at once
  released = window.take();
  ASSERT_EQ(released.size(), 1u);
  EXPECT_FALSE(released[0].success);
  EXPECT_EQ(released[0].length, 3);
  EXPECT_DOUBLE_EQ(released[0].episode_return, 3.0);
  EXPECT_TRUE(window.take().empty()) << "reported twice";
}

TEST(EpisodeWindow, WithoutAStepLimitEpisodesAreReportedWhenTheyEnd) {
  EpisodeWindow window(2, 0);
  tick(window, "FF");
  tick(window, "G.");
  EXPECT_EQ(window.take().size(), 1u);
}

}  // namespace
}  // namespace dreamer::actors
