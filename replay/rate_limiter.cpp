#include "replay/rate_limiter.hpp"

#include "common/error.hpp"

namespace dreamer::replay {

RateLimiter::RateLimiter(const ReplayOptions& options)
    : train_ratio_(options.train_ratio),
      replayed_steps_per_sample_(options.replayed_steps_per_sample()),
      min_size_to_sample_(options.min_size_to_sample),
      min_owed_(options.train_ratio * static_cast<double>(options.min_size_to_sample) - options.error_buffer),
      max_owed_(options.train_ratio * static_cast<double>(options.min_size_to_sample) + options.error_buffer) {
  options.validate();
}

double RateLimiter::owed(std::int64_t inserts, std::int64_t samples) const {
  return static_cast<double>(inserts) * train_ratio_ -
         static_cast<double>(samples) * static_cast<double>(replayed_steps_per_sample_);
}

bool RateLimiter::can_insert(std::int64_t env_steps) const {
  const std::int64_t after = counters_.inserts + counters_.pending_inserts + env_steps;
  return after <= min_size_to_sample_ || owed(after, counters_.samples) <= max_owed_;
}

bool RateLimiter::can_sample() const {
  return counters_.inserts >= min_size_to_sample_ && owed(counters_.inserts, counters_.samples + 1) >= min_owed_;
}

LimiterStatus RateLimiter::acquire_insert(std::int64_t env_steps, std::chrono::nanoseconds timeout) {
  DREAMER_ASSERT(env_steps > 0, "acquire_insert needs env_steps > 0");
  std::unique_lock lock(mutex_);
  const bool woke = insert_allowed_.wait_for(lock, timeout, [&] { return closed_ || can_insert(env_steps); });
  if (closed_) return LimiterStatus::kClosed;
  if (!woke) return LimiterStatus::kTimedOut;
  counters_.pending_inserts += env_steps;
  return LimiterStatus::kOk;
}

void RateLimiter::complete_insert(std::int64_t env_steps) {
  {
    std::lock_guard lock(mutex_);
    DREAMER_ASSERT(env_steps > 0 && env_steps <= counters_.pending_inserts,
                   "complete_insert without a matching acquire_insert");
    counters_.pending_inserts -= env_steps;
    counters_.inserts += env_steps;
  }
  sample_allowed_.notify_all();
}

LimiterStatus RateLimiter::acquire_sample(std::chrono::nanoseconds timeout) {
  std::unique_lock lock(mutex_);
  const bool woke = sample_allowed_.wait_for(lock, timeout, [&] { return closed_ || can_sample(); });
  if (closed_) return LimiterStatus::kClosed;
  if (!woke) return LimiterStatus::kTimedOut;
  counters_.samples += 1;
  lock.unlock();
  insert_allowed_.notify_all();
  return LimiterStatus::kOk;
}

void RateLimiter::close() {
  {
    std::lock_guard lock(mutex_);
    closed_ = true;
  }
  insert_allowed_.notify_all();
  sample_allowed_.notify_all();
}

bool RateLimiter::closed() const {
  std::lock_guard lock(mutex_);
  return closed_;
}

RateLimiterCounters RateLimiter::counters() const {
  std::lock_guard lock(mutex_);
  return counters_;
}

double RateLimiter::replay_ratio() const {
  return updates_per_env_step() * static_cast<double>(replayed_steps_per_sample_);
}

double RateLimiter::updates_per_env_step() const {
  const RateLimiterCounters now = counters();
  if (now.inserts == 0) return 0.0;
  return static_cast<double>(now.samples) / static_cast<double>(now.inserts);
}

void RateLimiter::restore(std::int64_t inserts, std::int64_t samples) {
  DREAMER_ASSERT(inserts >= 0 && samples >= 0, "restored limiter counters must be >= 0");
  {
    std::lock_guard lock(mutex_);
    DREAMER_ASSERT(counters_.pending_inserts == 0, "restore while an insert is pending");
    counters_.inserts = inserts;
    counters_.samples = samples;
  }
  insert_allowed_.notify_all();
  sample_allowed_.notify_all();
}

}  // namespace dreamer::replay
