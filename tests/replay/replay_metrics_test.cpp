#include "replay/replay_metrics.hpp"

#include <gtest/gtest.h>

#include <chrono>

#include "replay_test_steps.hpp"

namespace dreamer::replay {
namespace {

using namespace std::chrono_literals;

TEST(ReplayMetrics, ReportsSizeReadyStepsAndTheOfficialTrainRatio) {
  const ReplayOptions options = testing::small_ring_options();
  ReplayRing ring(options);
  RateLimiter limiter(options);
  testing::write_chunks(ring, 0, 4);   // 16 steps x 2 streams
  testing::write_chunks(ring, 1, 15);  // 60 steps x 2 streams: holds 40, window 32
  for (const std::int64_t steps : {32, 16}) {
    ASSERT_EQ(limiter.acquire_insert(steps, 0ms), LimiterStatus::kOk);
    limiter.complete_insert(steps);
  }
  for (int i = 0; i < 3; ++i) ASSERT_EQ(limiter.acquire_sample(0ms), LimiterStatus::kOk);

  const ReplayMetrics metrics = collect_replay_metrics(ring, limiter);
  EXPECT_EQ(metrics.replay_size, 2 * 16 + 2 * 40);
  EXPECT_EQ(metrics.ready_steps, 2 * 16 + 2 * 32);
  EXPECT_EQ(metrics.inserts, 48);
  EXPECT_EQ(metrics.samples, 3);
  // 3 updates x (3 x 8) replayed steps / 48 env steps.
  EXPECT_DOUBLE_EQ(metrics.replay_ratio, 1.5);
  EXPECT_DOUBLE_EQ(metrics.updates_per_env_step, 3.0 / 48.0);
  EXPECT_DOUBLE_EQ(metrics.target_replay_ratio, 4.0);
  EXPECT_EQ(metrics.commit_stride, 4);

  const nlohmann::json json = metrics;
  EXPECT_EQ(json.at("replay_ratio").get<double>(), 1.5);
  EXPECT_EQ(json.at("ready_steps").get<std::int64_t>(), 96);
  EXPECT_TRUE(json.contains("updates_per_env_step"));
}

}  // namespace
}  // namespace dreamer::replay
