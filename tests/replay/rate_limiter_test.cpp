#include "replay/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

namespace dreamer::replay {
namespace {

using namespace std::chrono_literals;

// train_ratio 2, one sample replays R = 1 x 4 = 4 steps, min size 4,
// error_buffer 4: target owed = 2 * 4 = 8, allowed owed in [4, 12].
ReplayOptions tiny_limiter_options() {
  ReplayOptions options;
  options.num_streams = 1;
  options.writer_groups = 1;
  options.capacity = 64;
  options.commit_stride = 2;
  options.safety_margin = 0;
  options.seq_len = 4;
  options.batch_size = 1;
  options.train_ratio = 2.0;
  options.min_size_to_sample = 4;
  options.error_buffer = 4.0;  // the narrowest allowed: (4 + 2 * 2) / 2
  return options;
}

void insert(RateLimiter& limiter, std::int64_t steps) {
  ASSERT_EQ(limiter.acquire_insert(steps, 0ms), LimiterStatus::kOk);
  limiter.complete_insert(steps);
}

TEST(RateLimiter, HandWorkedSequenceOfAllowedAndRefusedCalls) {
  RateLimiter limiter(tiny_limiter_options());
  // Below min size: no samples.
  EXPECT_EQ(limiter.acquire_sample(0ms), LimiterStatus::kTimedOut);
  insert(limiter, 2);
  EXPECT_EQ(limiter.acquire_sample(0ms), LimiterStatus::kTimedOut);
  insert(limiter, 2);                                                // I = 4, owed 8
  EXPECT_EQ(limiter.acquire_sample(0ms), LimiterStatus::kOk);        // owed 4 >= 4
  EXPECT_EQ(limiter.acquire_sample(0ms), LimiterStatus::kTimedOut);  // would be 0 < 4
  insert(limiter, 2);                                                // I = 6, owed 12 - 4 = 8
  EXPECT_EQ(limiter.acquire_sample(0ms), LimiterStatus::kOk);        // owed 4
  // Inserts: (I=8, S=2) owed 8 <= 12 ok; (10, 2) owed 12 ok; (12, 2) owed 16 refused.
  insert(limiter, 2);
  insert(limiter, 2);
  EXPECT_EQ(limiter.acquire_insert(2, 0ms), LimiterStatus::kTimedOut);
  const RateLimiterCounters counters = limiter.counters();
  EXPECT_EQ(counters.inserts, 10);
  EXPECT_EQ(counters.samples, 2);
  EXPECT_EQ(counters.pending_inserts, 0);
  // replay_ratio = 2 samples * 4 steps / 10 env steps.
  EXPECT_DOUBLE_EQ(limiter.replay_ratio(), 0.8);
  EXPECT_DOUBLE_EQ(limiter.updates_per_env_step(), 0.2);
}

TEST(RateLimiter, PendingInsertsAreNotSampleable) {
  RateLimiter limiter(tiny_limiter_options());
  ASSERT_EQ(limiter.acquire_insert(4, 0ms), LimiterStatus::kOk);
  EXPECT_EQ(limiter.acquire_sample(0ms), LimiterStatus::kTimedOut);
  limiter.complete_insert(4);
  EXPECT_EQ(limiter.acquire_sample(0ms), LimiterStatus::kOk);
}

TEST(RateLimiter, LearnerAheadWaitsUntilAnActorInserts) {
  RateLimiter limiter(tiny_limiter_options());
  insert(limiter, 4);
  ASSERT_EQ(limiter.acquire_sample(0ms), LimiterStatus::kOk);
  // A short wait must not succeed ...
  EXPECT_EQ(limiter.acquire_sample(50ms), LimiterStatus::kTimedOut);
  // ... and a long one must, once the actor inserts.
  auto learner = std::async(std::launch::async, [&] { return limiter.acquire_sample(10s); });
  EXPECT_EQ(learner.wait_for(50ms), std::future_status::timeout);
  insert(limiter, 2);
  ASSERT_EQ(learner.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(learner.get(), LimiterStatus::kOk);
}

TEST(RateLimiter, ActorWaitsWhenLearnersFallBehindUntilTheySample) {
  RateLimiter limiter(tiny_limiter_options());
  insert(limiter, 4);
  insert(limiter, 2);  // I = 6, owed 12: at the upper edge
  EXPECT_EQ(limiter.acquire_insert(2, 50ms), LimiterStatus::kTimedOut);
  auto actor = std::async(std::launch::async, [&] { return limiter.acquire_insert(2, 10s); });
  EXPECT_EQ(actor.wait_for(50ms), std::future_status::timeout);
  ASSERT_EQ(limiter.acquire_sample(0ms), LimiterStatus::kOk);  // owed 8: 8 + 4 <= 12
  ASSERT_EQ(actor.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(actor.get(), LimiterStatus::kOk);
  EXPECT_EQ(limiter.counters().pending_inserts, 2);
}

TEST(RateLimiter, CloseWakesEveryWaiterWithClosedStatus) {
  RateLimiter limiter(tiny_limiter_options());
  // Two learners wait for data; an actor waits because 64 steps would put
  // the learners 128 - 8 replayed steps behind (more than error_buffer 4).
  auto learner_a = std::async(std::launch::async, [&] { return limiter.acquire_sample(60s); });
  auto learner_b = std::async(std::launch::async, [&] { return limiter.acquire_sample(60s); });
  auto actor = std::async(std::launch::async, [&] { return limiter.acquire_insert(64, 60s); });
  EXPECT_EQ(actor.wait_for(50ms), std::future_status::timeout);
  EXPECT_EQ(learner_a.wait_for(0ms), std::future_status::timeout);
  EXPECT_EQ(learner_b.wait_for(0ms), std::future_status::timeout);
  const auto closed_at = std::chrono::steady_clock::now();
  limiter.close();
  ASSERT_EQ(actor.wait_for(5s), std::future_status::ready);
  ASSERT_EQ(learner_a.wait_for(5s), std::future_status::ready);
  ASSERT_EQ(learner_b.wait_for(5s), std::future_status::ready);
  EXPECT_LT(std::chrono::steady_clock::now() - closed_at, 2s);
  EXPECT_EQ(actor.get(), LimiterStatus::kClosed);
  EXPECT_EQ(learner_a.get(), LimiterStatus::kClosed);
  EXPECT_EQ(learner_b.get(), LimiterStatus::kClosed);
  // After close every acquire returns at once, even one that would pass.
  EXPECT_EQ(limiter.acquire_insert(2, 60s), LimiterStatus::kClosed);
  EXPECT_EQ(limiter.acquire_sample(60s), LimiterStatus::kClosed);
  EXPECT_EQ(limiter.counters().pending_inserts, 0);
}

TEST(RateLimiter, CloseWakesALearnerWaitingForData) {
  RateLimiter limiter(tiny_limiter_options());
  auto learner = std::async(std::launch::async, [&] { return limiter.acquire_sample(60s); });
  EXPECT_EQ(learner.wait_for(50ms), std::future_status::timeout);
  limiter.close();
  ASSERT_EQ(learner.wait_for(5s), std::future_status::ready);
  EXPECT_EQ(learner.get(), LimiterStatus::kClosed);
  EXPECT_TRUE(limiter.closed());
}

TEST(RateLimiter, FreeRunningActorAndLearnerHoldTheTargetRatio) {
  // The official Atari setting: train ratio 32, batch 16 x 64 = 1024
  // replayed steps per update, one chunk of 32 x 16 env steps per insert.
  ReplayOptions options;
  options.num_streams = 16;
  options.commit_stride = 32;
  options.seq_len = 64;
  options.batch_size = 16;
  options.train_ratio = 32.0;
  options.min_size_to_sample = 4096;
  options.error_buffer = 16384.0;
  RateLimiter limiter(options);
  const std::int64_t chunk = options.steps_per_chunk();
  const int chunks = 2000;
  std::thread actor([&] {
    for (int i = 0; i < chunks; ++i) {
      ASSERT_EQ(limiter.acquire_insert(chunk, 10s), LimiterStatus::kOk);
      limiter.complete_insert(chunk);
    }
  });
  std::int64_t samples = 0;
  const std::int64_t final_inserts = chunks * chunk;
  // Samples owed at the end: 32 * I / 1024 minus the min-size offset's
  // tolerance; the learner takes whatever the limiter allows.
  for (;;) {
    const LimiterStatus status = limiter.acquire_sample(200ms);
    if (status == LimiterStatus::kOk) {
      ++samples;
      continue;
    }
    if (limiter.counters().inserts == final_inserts) break;
  }
  actor.join();
  const RateLimiterCounters counters = limiter.counters();
  EXPECT_EQ(counters.samples, samples);
  // owed = I * 32 - S * 1024 ends in [target - buffer, target - buffer + 1024).
  const double owed = 32.0 * static_cast<double>(counters.inserts) - 1024.0 * static_cast<double>(samples);
  const double target = 32.0 * 4096.0;
  EXPECT_GE(owed, target - 16384.0);
  EXPECT_LT(owed, target - 16384.0 + 1024.0);
  EXPECT_NEAR(limiter.replay_ratio(), 32.0, 32.0 * 0.02);
}

}  // namespace
}  // namespace dreamer::replay
