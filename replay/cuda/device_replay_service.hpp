#pragma once
// DeviceReplayService: the replay role of a single-node GPU run, the device
// counterpart of ReplayService. Same ring rules, one rate limiter, one
// sampler; the observations live in a DeviceReplayRing, so a CUDA actor's
// environment writes its frames straight into ring slots and the learner
// gathers sampled sequences on the device:
//
//   begin_insert(group)   acquire_insert (limiter) + begin_chunk: the chunk's
//                         slots are now off limits to samplers
//   ... the actor's env writes its frames to frame_slots(group, first_step)
//       on the GPU: frame t of stream s to slot_pointer(s, first_step + t) ...
//   write_fields(...)     the chunk's host fields (action, reward, flags, ids)
//   publish(group)        publish_chunk + complete_insert; the caller must
//                         have finished the frames' device writes before
//   sample(batch, obs)    acquire_sample + fields into a host batch, frames
//                         gathered into device memory
//
// Thread-safety: as ReplayService (one inserting thread per writer group,
// sample() serialised on the one sampler).
#include <cuda_runtime_api.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <mutex>

#include "common/trajectory/trajectory_chunk.hpp"
#include "replay/cuda/device_replay_ring.hpp"
#include "replay/rate_limiter.hpp"
#include "replay/replay_metrics.hpp"
#include "replay/replay_options.hpp"
#include "replay/sample_batch.hpp"

namespace dreamer::replay::cuda {

class DeviceReplayService {
 public:
  // Allocates the device ring on the current device; `stream` carries the
  // sampler's gathers.
  DeviceReplayService(const ReplayOptions& options, cudaStream_t stream);

  // Reserves commit_stride steps of `group`'s streams. On kOk, `first_step`
  // is the logical step of the chunk's first row.
  LimiterStatus begin_insert(int group, std::chrono::nanoseconds timeout, std::uint64_t& first_step);
  // The ring slots of the frames of `group`'s chunk begun at `first_step`.
  ChunkFrameSlots frame_slots(int group, std::uint64_t first_step) const;
  // The non-observation fields of the chunk begun at `first_step`, from
  // `chunk` (its header must name `group`'s streams; its observations are
  // ignored).
  void write_fields(int group, std::uint64_t first_step, const TrajectoryChunkView& chunk);
  void publish(int group);

  // `batch` must come without observations; `device_observations` takes
  // [batch, seq_len, 1440] bytes (16-byte aligned device memory).
  LimiterStatus sample(SampleBatch& batch, std::uint8_t* device_observations, std::chrono::nanoseconds timeout);
  void close() { limiter_.close(); }

  const DeviceReplayRing& ring() const { return ring_; }
  ReplayMetrics metrics() const { return collect_replay_metrics(ring_.host_ring(), limiter_); }
  const ReplayOptions& options() const { return options_; }

  // Replay dump (replay_dump.hpp) with the observations staged through host
  // memory; both need every insert and sample stopped.
  void dump(const std::filesystem::path& path) const;
  void load(const std::filesystem::path& path);

 private:
  ReplayOptions options_;
  DeviceReplayRing ring_;
  RateLimiter limiter_;
  std::mutex sampler_mutex_;
  DeviceSequenceSampler sampler_;  // guarded by sampler_mutex_
};

}  // namespace dreamer::replay::cuda
