// Writers and samplers at full speed on a small ring that wraps constantly.
// Every sampled row must be a step that was committed before the sample
// began and was not overwritten while it was copied: the window the sampler
// drew from must end at a commit count that was published (between the counts
// read just before and just after the sample), the row's step must lie in that
// window, its stamp must equal start + t, and every field (all 1440
// observation bytes included) must equal the independent recomputation for
// (stream, stamp). Also built with -fsanitize=thread (see
// CMakeLists.txt) where ThreadSanitizer checks that no plain access races.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "replay/rate_limiter.hpp"
#include "replay/replay_ring.hpp"
#include "replay/sequence_sampler.hpp"
#include "replay_test_steps.hpp"

namespace dreamer::replay {
namespace {

using namespace std::chrono_literals;

std::chrono::milliseconds stress_duration() {
  const char* seconds = std::getenv("DREAMER_REPLAY_STRESS_SECONDS");
  return std::chrono::milliseconds(seconds != nullptr ? static_cast<int>(1000 * std::atof(seconds)) : 2000);
}

ReplayOptions stress_options(int safety_margin) {
  ReplayOptions options;
  options.num_streams = 8;
  options.writer_groups = 4;
  options.capacity = 24;
  options.commit_stride = 4;
  options.safety_margin = safety_margin;
  options.seq_len = 8;
  options.batch_size = 4;
  options.max_samplers = 4;
  options.min_size_to_sample = 64;
  options.train_ratio = 4.0;
  options.error_buffer = 64.0;
  return options;
}

// Commit counts of every group read at one moment.
std::vector<std::uint64_t> read_commits(const ReplayRing& ring) {
  std::vector<std::uint64_t> commits(static_cast<std::size_t>(ring.num_groups()));
  for (int group = 0; group < ring.num_groups(); ++group)
    commits[static_cast<std::size_t>(group)] = ring.fence(group).committed_steps();
  return commits;
}

// Returns "" when every row of `batch` is the committed, intact step it
// claims to be, else a description of the first bad row. `windows` are the
// windows the sampler drew from; `before` / `after` the commit counts read
// just before and after sampling.
std::string check_batch(const ReplayRing& ring, const SampleBatchView& batch, const std::vector<StepWindow>& windows,
                        const std::vector<std::uint64_t>& before, const std::vector<std::uint64_t>& after) {
  for (int b = 0; b < batch.batch_size; ++b) {
    const int stream = batch.stream[b];
    const std::uint64_t start = batch.start_step[b];
    const auto group = static_cast<std::size_t>(ring.group_of(stream));
    const StepWindow window = windows[group];
    for (int t = 0; t < batch.seq_len; ++t) {
      const std::size_t row = static_cast<std::size_t>(b * batch.seq_len + t);
      const std::uint64_t step = start + static_cast<std::uint64_t>(t);
      std::ostringstream where;
      where << "stream " << stream << " step " << step << " (stamp " << batch.stamp[row] << ", window [" << window.begin
            << ", " << window.end << "), commits " << before[group] << " .. " << after[group] << "): ";
      if (window.end < before[group] || window.end > after[group])
        return where.str() + "window does not end at a commit published during the sample";
      if (!window.contains(step)) return where.str() + "outside the sampleable window";
      if (batch.stamp[row] != step) return where.str() + "stamp differs (overwritten or torn)";
      if (!testing::observation_matches(stream, step, batch.observations + row * ReplayRing::kObservationBytes))
        return where.str() + "observation bytes differ";
      const StepFields expected = testing::make_fields(stream, step);
      if (t > 0 && batch.action[row] != expected.action) return where.str() + "action differs";
      if (batch.reward[row] != expected.reward) return where.str() + "reward differs";
      if (batch.episode_id[row] != expected.episode_id) return where.str() + "episode differs";
      if (batch.is_terminal[row] != (expected.is_terminal ? 1 : 0)) return where.str() + "is_terminal differs";
    }
  }
  return "";
}

struct StressResult {
  std::uint64_t batches = 0;
  std::uint64_t chunks = 0;
  std::uint64_t pin_retries = 0;
  std::uint64_t writer_stalls = 0;
  std::uint64_t bad_batches = 0;
  std::string first_failure;
};

// `limiter` may be null (free running).
StressResult run_stress(const ReplayOptions& options, RateLimiter* limiter, int samplers) {
  ReplayRing ring(options);
  std::atomic<bool> stop{false};
  std::atomic<std::uint64_t> batches{0}, chunks{0}, retries{0}, bad{0};
  std::mutex failure_mutex;
  std::string first_failure;

  std::vector<std::thread> threads;
  for (int group = 0; group < options.writer_groups; ++group) {
    threads.emplace_back([&, group] {
      const std::int64_t chunk_steps = options.steps_per_chunk();
      while (!stop.load(std::memory_order_relaxed)) {
        if (limiter != nullptr) {
          const LimiterStatus status = limiter->acquire_insert(chunk_steps, 20ms);
          if (status == LimiterStatus::kClosed) break;
          if (status == LimiterStatus::kTimedOut) continue;
        }
        testing::write_chunks(ring, group, 1);
        if (limiter != nullptr) limiter->complete_insert(chunk_steps);
        chunks.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  for (int sampler_index = 0; sampler_index < samplers; ++sampler_index) {
    threads.emplace_back([&, sampler_index] {
      SequenceSampler sampler(ring, 100 + static_cast<std::uint64_t>(sampler_index));
      SampleBatch batch(options.batch_size, options.seq_len);
      while (!stop.load(std::memory_order_relaxed)) {
        if (limiter != nullptr) {
          const LimiterStatus status = limiter->acquire_sample(20ms);
          if (status == LimiterStatus::kClosed) break;
          if (status == LimiterStatus::kTimedOut) continue;
        }
        const std::vector<std::uint64_t> before = read_commits(ring);
        if (sampler.sample(batch.view()) != SampleStatus::kOk) {
          // Only possible before the limiter existed to gate it.
          if (limiter != nullptr) {
            bad.fetch_add(1);
            std::lock_guard lock(failure_mutex);
            if (first_failure.empty()) first_failure = "limiter allowed a sample of an unready ring";
          }
          continue;
        }
        const std::vector<std::uint64_t> after = read_commits(ring);
        const std::string failure = check_batch(ring, batch.view(), sampler.last_windows(), before, after);
        if (!failure.empty()) {
          bad.fetch_add(1);
          std::lock_guard lock(failure_mutex);
          if (first_failure.empty()) first_failure = failure;
        }
        batches.fetch_add(1, std::memory_order_relaxed);
      }
      retries.fetch_add(sampler.pin_retries());
    });
  }
  std::this_thread::sleep_for(stress_duration());
  stop.store(true);
  if (limiter != nullptr) limiter->close();
  for (std::thread& thread : threads) thread.join();

  StressResult result;
  result.batches = batches.load();
  result.chunks = chunks.load();
  result.pin_retries = retries.load();
  for (int group = 0; group < options.writer_groups; ++group) result.writer_stalls += ring.fence(group).writer_stalls();
  result.bad_batches = bad.load();
  result.first_failure = first_failure;
  return result;
}

TEST(ReplayConcurrency, CheckerRejectsOverwrittenTornAndUncommittedRows) {
  // The checker used below must be able to fail.
  ReplayOptions options = stress_options(0);
  ReplayRing ring(options);
  testing::write_chunks(ring, 0, 6);
  SequenceSampler sampler(ring, 1);
  SampleBatch batch(options.batch_size, options.seq_len);
  ASSERT_EQ(sampler.sample(batch.view()), SampleStatus::kOk);
  const std::vector<std::uint64_t> commits = read_commits(ring);
  const std::vector<StepWindow> windows = sampler.last_windows();
  EXPECT_EQ(check_batch(ring, batch.view(), windows, commits, commits), "");
  // A window newer than every commit seen (data not yet published).
  std::vector<StepWindow> future = windows;
  future[0].end += 4;
  EXPECT_NE(check_batch(ring, batch.view(), future, commits, commits), "");
  // A row outside the window it was drawn from.
  std::vector<StepWindow> narrow = windows;
  narrow[0].end = narrow[0].begin + 1;
  const std::vector<std::uint64_t> narrow_commits{narrow[0].end, 0, 0, 0};
  EXPECT_NE(check_batch(ring, batch.view(), narrow, narrow_commits, narrow_commits), "");
  // An overwritten row (stamp one lap later) and a torn observation.
  batch.view().stamp[3] += static_cast<std::uint64_t>(options.capacity);
  EXPECT_NE(check_batch(ring, batch.view(), windows, commits, commits), "");
  batch.view().stamp[3] -= static_cast<std::uint64_t>(options.capacity);
  batch.view().observations[5 * ReplayRing::kObservationBytes + 700] ^= 1;
  EXPECT_NE(check_batch(ring, batch.view(), windows, commits, commits), "");
}

// Prints a free run's counters; expects no bad batch among over 100.
void expect_free_run_clean(const StressResult& result) {
  std::printf("batches %llu chunks %llu pin_retries %llu writer_stalls %llu\n",
              static_cast<unsigned long long>(result.batches), static_cast<unsigned long long>(result.chunks),
              static_cast<unsigned long long>(result.pin_retries),
              static_cast<unsigned long long>(result.writer_stalls));
  EXPECT_EQ(result.bad_batches, 0u) << result.first_failure;
  EXPECT_GT(result.batches, 100u);
}

TEST(ReplayConcurrency, SamplersOnlySeeCommittedIntactStepsWithoutSafetyMargin) {
  // Margin 0 and a 24-step ring: samplers constantly race the writers, so
  // the pins have to do the work.
  const StressResult result = run_stress(stress_options(0), nullptr, 3);
  expect_free_run_clean(result);
  EXPECT_GT(result.chunks, 100u);
}

TEST(ReplayConcurrency, SamplersOnlySeeCommittedIntactStepsWithSafetyMargin) {
  expect_free_run_clean(run_stress(stress_options(8), nullptr, 3));
}

TEST(ReplayConcurrency, RateLimitedWritersAndSamplersStayConsistentAndOnRatio) {
  ReplayOptions options = stress_options(4);
  RateLimiter limiter(options);
  const StressResult result = run_stress(options, &limiter, 2);
  EXPECT_EQ(result.bad_batches, 0u) << result.first_failure;
  const RateLimiterCounters counters = limiter.counters();
  EXPECT_GT(counters.samples, 10);
  // owed = I * 4 - S * 32 stays in [target - 64 - 32, target + 64] with
  // target = 4 * 64; up to one sample per sampler thread and one chunk per
  // writer may be outstanding at close.
  const double owed = 4.0 * static_cast<double>(counters.inserts + counters.pending_inserts) -
                      32.0 * static_cast<double>(counters.samples);
  EXPECT_GE(owed, 256.0 - 64.0 - 32.0);
  EXPECT_LE(owed, 256.0 + 64.0);
}

}  // namespace
}  // namespace dreamer::replay
