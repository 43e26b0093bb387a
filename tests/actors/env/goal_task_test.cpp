// Pins every reward and termination rule of the goal task (DESIGN.md §5).
#include "actors/env/goal_task.hpp"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace dreamer::env {
namespace {

GoalParams params() {
  GoalParams p;
  p.tau = 0.05f;
  p.k_consecutive = 3;
  p.max_steps = 10;
  p.step_cost = -0.01f;
  p.alpha = 1.0f;
  p.goal_bonus = 10.0f;
  return p;
}

TEST(GoalTask, RewardIsStepCostPlusAlphaTimesProgress) {
  EpisodeState episode{};
  begin_episode(episode, 0.5f);
  GoalParams p = params();
  p.alpha = 2.0f;
  const StepResult result = score_step(episode, p, 0.3f);
  EXPECT_FLOAT_EQ(result.reward, -0.01f + 2.0f * (0.5f - 0.3f));
  EXPECT_EQ(result.terminated, 0);
  EXPECT_EQ(result.truncated, 0);
  // Moving away costs: progress is negative.
  EXPECT_FLOAT_EQ(score_step(episode, p, 0.4f).reward, -0.01f + 2.0f * (0.3f - 0.4f));
}

TEST(GoalTask, SucceedsAfterKConsecutiveStepsUnderTauWithTheBonus) {
  EpisodeState episode{};
  begin_episode(episode, 0.5f);
  EXPECT_EQ(score_step(episode, params(), 0.01f).terminated, 0);
  EXPECT_EQ(score_step(episode, params(), 0.01f).terminated, 0);
  const StepResult third = score_step(episode, params(), 0.01f);
  EXPECT_EQ(third.terminated, 1);
  EXPECT_EQ(third.truncated, 0);
  EXPECT_FLOAT_EQ(third.reward, -0.01f + 0.0f + 10.0f);
  EXPECT_EQ(episode.needs_reset, 1);
}

TEST(GoalTask, AStepAtOrAboveTauRestartsTheCount) {
  EpisodeState episode{};
  begin_episode(episode, 0.5f);
  score_step(episode, params(), 0.01f);
  score_step(episode, params(), 0.01f);
  EXPECT_EQ(score_step(episode, params(), 0.05f).terminated, 0);  // tau itself is not under tau
  score_step(episode, params(), 0.01f);
  EXPECT_EQ(score_step(episode, params(), 0.01f).terminated, 0);
  EXPECT_EQ(score_step(episode, params(), 0.01f).terminated, 1);
}

TEST(GoalTask, TruncatesAtMaxStepsWithoutSuccess) {
  EpisodeState episode{};
  begin_episode(episode, 0.5f);
  for (int step = 1; step < 10; ++step) {
    const StepResult result = score_step(episode, params(), 0.5f);
    ASSERT_EQ(result.truncated, 0) << step;
    ASSERT_EQ(episode.needs_reset, 0);
  }
  const StepResult last = score_step(episode, params(), 0.5f);
  EXPECT_EQ(last.truncated, 1);
  EXPECT_EQ(last.terminated, 0);
  EXPECT_FLOAT_EQ(last.reward, -0.01f);
  EXPECT_EQ(episode.needs_reset, 1);
}

TEST(GoalTask, SuccessOnTheLastAllowedStepIsTerminalNotTruncated) {
  EpisodeState episode{};
  begin_episode(episode, 0.5f);
  for (int step = 1; step <= 7; ++step) score_step(episode, params(), 0.5f);
  score_step(episode, params(), 0.0f);
  score_step(episode, params(), 0.0f);
  const StepResult last = score_step(episode, params(), 0.0f);  // step 10 = max_steps
  EXPECT_EQ(last.terminated, 1);
  EXPECT_EQ(last.truncated, 0);
}

TEST(GoalTask, DistanceIsTheMeanAbsoluteShadeDifferenceOverThree) {
  std::mt19937 random(3);
  std::vector<std::uint8_t> a(packed2::kPixelsPerFrame), b(packed2::kPixelsPerFrame);
  double expected = 0.0;
  for (int i = 0; i < packed2::kPixelsPerFrame; ++i) {
    a[i] = static_cast<std::uint8_t>(random() % 4);
    b[i] = static_cast<std::uint8_t>(random() % 4);
    expected += std::abs(int(a[i]) - int(b[i]));
  }
  expected /= 72.0 * 80.0 * 3.0;
  std::vector<std::uint8_t> pa(packed2::kBytesPerFrame), pb(packed2::kBytesPerFrame);
  packed2::pack_frame(a.data(), pa.data());
  packed2::pack_frame(b.data(), pb.data());
  EXPECT_NEAR(l1_mean_norm_packed(pa.data(), pb.data()), expected, 1e-7);
  EXPECT_EQ(l1_mean_norm_packed(pa.data(), pa.data()), 0.0f);
  std::vector<std::uint8_t> white(packed2::kBytesPerFrame, 0), black(packed2::kBytesPerFrame, 0xFF);
  EXPECT_EQ(l1_mean_norm_packed(white.data(), black.data()), 1.0f);
}

}  // namespace
}  // namespace dreamer::env
