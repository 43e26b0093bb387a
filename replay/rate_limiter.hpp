#pragma once
// RateLimiter: keeps learners' sampling in step with actors' inserting, like
// Reverb's SampleToInsertRatio, in the units of the official Dreamer v3
// train ratio (ReplayOptions):
//
//   inserts I        env steps inserted (committed), all streams
//   samples S        updates served; each replays R = batch_size x seq_len steps
//   replay_ratio     = S * R / I          replayed steps per env step (observed)
//   updates_per_env_step = S / I          = replay_ratio / R
//   owed(I, S)       = I * train_ratio - S * R     (replayed steps owed to learners)
//   target           = train_ratio * min_size_to_sample
//
// A sample is allowed when I >= min_size_to_sample and, after it,
// owed >= target - error_buffer (learners not too far ahead). An insert of n
// steps is allowed while the ring is still filling (I + pending + n <=
// min_size_to_sample) or when, after it, owed <= target + error_buffer
// (learners not too far behind). ReplayOptions::validate() makes the window
// wide enough that one of the two sides can always proceed.
//
// Inserting is two-phase so that learners never count steps before they are
// sampleable: acquire_insert() reserves (pending) before the writer fills a
// chunk, complete_insert() counts the steps once the chunk is published.
//
// Thread-safety: thread-safe; any number of actor and learner threads.
// Blocking: acquire_insert / acquire_sample wait on a condition variable (no
// spinning) until allowed, until the timeout passes (kTimedOut, nothing
// counted) or until close() (kClosed, nothing counted). close() wakes every
// waiter; afterwards every acquire returns kClosed at once.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>

#include "replay/replay_options.hpp"

namespace dreamer::replay {

enum class LimiterStatus { kOk, kTimedOut, kClosed };

struct RateLimiterCounters {
  std::int64_t inserts = 0;          // committed env steps
  std::int64_t pending_inserts = 0;  // reserved by acquire_insert, not yet completed
  std::int64_t samples = 0;          // updates served
};

class RateLimiter {
 public:
  explicit RateLimiter(const ReplayOptions& options);

  // Actors (the committing writer): reserve `env_steps` inserts.
  LimiterStatus acquire_insert(std::int64_t env_steps, std::chrono::nanoseconds timeout);
  // Counts reserved steps as inserted (after publish_chunk); wakes learners.
  void complete_insert(std::int64_t env_steps);
  // Learners: take one sample (one update of batch_size x seq_len steps).
  LimiterStatus acquire_sample(std::chrono::nanoseconds timeout);

  void close();
  bool closed() const;

  RateLimiterCounters counters() const;
  // Observed replayed steps per inserted env step (0 before any insert).
  double replay_ratio() const;
  double updates_per_env_step() const;
  double target_replay_ratio() const { return train_ratio_; }
  std::int64_t replayed_steps_per_sample() const { return replayed_steps_per_sample_; }

  // Resume from a dump: sets the counters (no pending inserts) and wakes
  // waiters so that they re-check.
  void restore(std::int64_t inserts, std::int64_t samples);

 private:
  double owed(std::int64_t inserts, std::int64_t samples) const;
  bool can_insert(std::int64_t env_steps) const;  // needs mutex_
  bool can_sample() const;                        // needs mutex_

  const double train_ratio_;
  const std::int64_t replayed_steps_per_sample_;
  const std::int64_t min_size_to_sample_;
  const double min_owed_;
  const double max_owed_;

  mutable std::mutex mutex_;
  std::condition_variable insert_allowed_;  // signalled when samples grow or on close
  std::condition_variable sample_allowed_;  // signalled when inserts grow or on close
  RateLimiterCounters counters_;            // guarded by mutex_
  bool closed_ = false;                     // guarded by mutex_
};

}  // namespace dreamer::replay
