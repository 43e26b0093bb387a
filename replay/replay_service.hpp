#pragma once
// ReplayService: the replay role behind one interface, used in-process (one
// process runs every role) and by the replay rank's MPI server loop. It
// combines the ring, one rate limiter and one sampler:
//
//   insert(chunk)  acquire_insert (blocks while learners lag too far behind)
//                  -> write the chunk into its writer group -> publish ->
//                  complete_insert
//   sample(batch)  acquire_sample (blocks while learners are ahead) -> copy
//                  one batch of sequences out of the ring
//
// Each actor is one writer group: chunk.header().actor selects the group and
// the chunk must cover exactly that group's streams for commit_stride steps.
//
// Thread-safety: insert() may be called from one thread per writer group,
// sample() from any thread (serialised on the one sampler), metrics() from
// any thread. Blocking calls take a timeout and return kTimedOut with nothing
// done, or kClosed once close() was called; close() wakes every waiter.
#include <chrono>
#include <filesystem>
#include <mutex>

#include "common/trajectory/trajectory_chunk.hpp"
#include "replay/rate_limiter.hpp"
#include "replay/replay_metrics.hpp"
#include "replay/replay_options.hpp"
#include "replay/replay_ring.hpp"
#include "replay/sample_batch.hpp"
#include "replay/sequence_sampler.hpp"

namespace dreamer::replay {

// Throws dreamer::Error unless `header` covers exactly one writer group's
// streams for commit_stride steps.
void require_chunk_layout(const ChunkHeader& header, const ReplayOptions& options);
// Writes every row of `chunk` into its streams from `first_step` on (the
// observations too unless with_observations is false).
void write_chunk_steps(ReplayRing& ring, std::uint64_t first_step, const TrajectoryChunkView& chunk,
                       bool with_observations);

class ReplayService {
 public:
  explicit ReplayService(const ReplayOptions& options);

  // Reads `chunk` in place (a TrajectoryChunk's view() or a received message).
  LimiterStatus insert(const TrajectoryChunkView& chunk, std::chrono::nanoseconds timeout);
  LimiterStatus sample(SampleBatch& batch, std::chrono::nanoseconds timeout);
  void close() { limiter_.close(); }
  bool closed() const { return limiter_.closed(); }

  ReplayMetrics metrics() const { return collect_replay_metrics(ring_, limiter_); }
  const ReplayOptions& options() const { return options_; }
  const ReplayRing& ring() const { return ring_; }

  // Dump and load the ring with the limiter and sampler state (replay_dump.hpp).
  // Both need every insert and sample stopped.
  void dump(const std::filesystem::path& path) const;
  void load(const std::filesystem::path& path);

 private:
  ReplayOptions options_;
  ReplayRing ring_;
  RateLimiter limiter_;
  std::mutex sampler_mutex_;
  SequenceSampler sampler_;  // guarded by sampler_mutex_
};

}  // namespace dreamer::replay
