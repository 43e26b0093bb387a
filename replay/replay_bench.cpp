// replay_bench: in-process replay throughput and latency, printed as one JSON
// object.
//   insert: one writer thread per writer group fills chunks of distinct
//           packed2 frames; reports packed2 bytes/s and env steps/s.
//   sample: batches of --batch x --seq-len sequences copied out of the ring;
//           latency p50/p99 of SequenceSampler::sample, once with the ring
//           idle and once while the writers keep inserting.
// Targets (DESIGN.md section 6 work plan): insert >= 1 GB/s, sample p99 < 2 ms
// for 64 x 16.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <exception>
#include <string>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "common/error.hpp"
#include "common/packed2.hpp"
#include "replay/benchmark_ring.hpp"
#include "replay/replay_ring.hpp"
#include "replay/sample_batch.hpp"
#include "replay/sequence_sampler.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using dreamer::replay::ReplayOptions;
using dreamer::replay::ReplayRing;

constexpr int kFramePool = 509;  // distinct frames cycled by the writers (prime)

std::vector<std::uint8_t> make_frames() {
  std::vector<std::uint8_t> frames(static_cast<std::size_t>(kFramePool) * ReplayRing::kObservationBytes);
  std::uint64_t state = 0x9e3779b97f4a7c15ull;
  for (auto& byte : frames) {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    byte = static_cast<std::uint8_t>(state);
  }
  return frames;
}

// Writes chunks into `group` until `stop` is set or `max_chunks` are written;
// returns the number of env steps written.
std::uint64_t write_group(ReplayRing& ring, int group, const std::vector<std::uint8_t>& frames,
                          const std::atomic<bool>& stop, std::uint64_t max_chunks) {
  const ReplayOptions& options = ring.options();
  const int streams = options.streams_per_group();
  std::uint64_t steps = 0;
  dreamer::replay::StepFields fields;
  for (std::uint64_t chunk = 0; chunk < max_chunks && !stop.load(std::memory_order_relaxed); ++chunk) {
    const std::uint64_t first = ring.begin_chunk(group);
    for (int i = 0; i < options.commit_stride; ++i) {
      const std::uint64_t step = first + static_cast<std::uint64_t>(i);
      for (int s = group * streams; s < (group + 1) * streams; ++s) {
        const std::size_t frame = (step * 131 + static_cast<std::uint64_t>(s)) % kFramePool;
        fields.action = static_cast<std::uint8_t>(step % 8);
        fields.reward = static_cast<float>(step % 3);
        fields.episode_id = static_cast<std::int64_t>(step / 1000);
        ring.write_step(s, step, fields, frames.data() + frame * ReplayRing::kObservationBytes);
        ++steps;
      }
    }
    ring.publish_chunk(group);
  }
  return steps;
}

double thread_cpu_microseconds() {
  timespec now{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) * 1e6 + static_cast<double>(now.tv_nsec) / 1e3;
}

// Wall-clock latencies, plus the sampling thread's CPU time per call: where
// wall p99 >> CPU p99 the tail is the scheduler (a loaded machine), not the
// sampler.
struct Latencies {
  std::vector<double> wall_us;
  std::vector<double> cpu_us;
};

double quantile_ms(std::vector<double> microseconds, double q) {
  std::sort(microseconds.begin(), microseconds.end());
  const auto index = static_cast<std::size_t>(q * static_cast<double>(microseconds.size() - 1));
  return microseconds[index] / 1000.0;
}

nlohmann::json latency_summary(const Latencies& latencies) {
  double sum = 0.0;
  for (double value : latencies.wall_us) sum += value;
  return {{"count", latencies.wall_us.size()},
          {"p50_ms", quantile_ms(latencies.wall_us, 0.50)},
          {"p99_ms", quantile_ms(latencies.wall_us, 0.99)},
          {"max_ms", quantile_ms(latencies.wall_us, 1.0)},
          {"mean_ms", sum / static_cast<double>(latencies.wall_us.size()) / 1000.0},
          {"cpu_p50_ms", quantile_ms(latencies.cpu_us, 0.50)},
          {"cpu_p99_ms", quantile_ms(latencies.cpu_us, 0.99)}};
}

Latencies time_samples(dreamer::replay::SequenceSampler& sampler, dreamer::replay::SampleBatch& batch, int count) {
  Latencies latencies;
  latencies.wall_us.reserve(static_cast<std::size_t>(count));
  latencies.cpu_us.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) {
    const double cpu_start = thread_cpu_microseconds();
    const auto start = Clock::now();
    if (sampler.sample(batch.view()) != dreamer::replay::SampleStatus::kOk)
      throw dreamer::Error("replay_bench: ring not ready to sample");
    latencies.wall_us.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
    latencies.cpu_us.push_back(thread_cpu_microseconds() - cpu_start);
  }
  return latencies;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"replay_bench: replay insert throughput and sample latency (JSON on stdout)"};
  ReplayOptions options = dreamer::replay::benchmark_ring_options();
  options.error_buffer = 1e12;
  double insert_seconds = 2.0;
  int samples = 2000;
  app.add_option("--streams", options.num_streams, "env streams in the ring");
  app.add_option("--writer-groups", options.writer_groups, "writer groups (one writer thread each)");
  app.add_option("--capacity", options.capacity, "steps per stream");
  app.add_option("--commit-stride", options.commit_stride, "steps per stream per chunk");
  app.add_option("--batch", options.batch_size, "sequences per sample");
  app.add_option("--seq-len", options.seq_len, "steps per sequence");
  app.add_option("--insert-seconds", insert_seconds, "duration of the insert phase");
  app.add_option("--samples", samples, "timed samples per sampling phase");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    return app.exit(error);
  }
  try {
    options.min_size_to_sample = static_cast<std::int64_t>(options.seq_len) * options.num_streams;
    ReplayRing ring(options);
    const std::vector<std::uint8_t> frames = make_frames();
    const std::uint64_t fingerprint = ring.storage_fingerprint();

    // Warm-up: one pass over the whole ring (first touch is done at
    // construction; this also fills the ring for sampling).
    std::atomic<bool> stop{false};
    const auto chunks_per_lap = static_cast<std::uint64_t>(options.capacity / options.commit_stride);
    for (int group = 0; group < options.writer_groups; ++group) write_group(ring, group, frames, stop, chunks_per_lap);

    // Insert phase.
    std::vector<std::thread> writers;
    std::vector<std::uint64_t> written(static_cast<std::size_t>(options.writer_groups), 0);
    const auto insert_start = Clock::now();
    for (int group = 0; group < options.writer_groups; ++group) {
      writers.emplace_back([&, group] {
        written[static_cast<std::size_t>(group)] = write_group(ring, group, frames, stop, ~std::uint64_t{0});
      });
    }
    std::this_thread::sleep_for(std::chrono::duration<double>(insert_seconds));
    stop.store(true);
    for (std::thread& writer : writers) writer.join();
    const double insert_elapsed = std::chrono::duration<double>(Clock::now() - insert_start).count();
    std::uint64_t steps = 0;
    for (std::uint64_t count : written) steps += count;
    const double steps_per_second = static_cast<double>(steps) / insert_elapsed;

    // Sample phase, ring idle.
    dreamer::replay::SequenceSampler sampler(ring, 1);
    dreamer::replay::SampleBatch batch(options.batch_size, options.seq_len);
    time_samples(sampler, batch, 50);
    const Latencies idle = time_samples(sampler, batch, samples);

    // Sample phase while the writers insert.
    stop.store(false);
    writers.clear();
    for (int group = 0; group < options.writer_groups; ++group) {
      writers.emplace_back([&, group] { write_group(ring, group, frames, stop, ~std::uint64_t{0}); });
    }
    const Latencies busy = time_samples(sampler, batch, samples);
    stop.store(true);
    for (std::thread& writer : writers) writer.join();

    const double sample_bytes =
        static_cast<double>(options.batch_size) * options.seq_len * static_cast<double>(ReplayRing::kObservationBytes);
    nlohmann::json report = {
        {"bench", "replay_inprocess"},
        {"config",
         {{"num_streams", options.num_streams},
          {"writer_groups", options.writer_groups},
          {"capacity", options.capacity},
          {"commit_stride", options.commit_stride},
          {"batch_size", options.batch_size},
          {"seq_len", options.seq_len},
          {"hardware_threads", std::thread::hardware_concurrency()}}},
        {"insert",
         {{"env_steps", steps},
          {"seconds", insert_elapsed},
          {"env_steps_per_s", steps_per_second},
          {"packed2_bytes_per_s", steps_per_second * static_cast<double>(ReplayRing::kObservationBytes)},
          {"packed2_gb_per_s", steps_per_second * static_cast<double>(ReplayRing::kObservationBytes) / 1e9}}},
        {"sample_idle", latency_summary(idle)},
        {"sample_while_inserting", latency_summary(busy)},
        {"sample_bytes", sample_bytes},
        {"pin_retries", sampler.pin_retries()},
        {"pointer_stable", ring.storage_fingerprint() == fingerprint}};
    std::printf("%s\n", report.dump(2).c_str());
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "replay_bench: %s\n", error.what());
    return 1;
  }
}
