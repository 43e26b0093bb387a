#pragma once
// ReplayRing: fixed-size, time-major storage of env steps for B streams, with
// one CommitFence per writer group.
//
//   column (one per field), stream-major, then time:   slot = stream * K + t % K
//   +-------------------+-------------------+-----+---------------------+
//   | stream 0: K steps | stream 1: K steps | ... | stream B-1: K steps |
//   +-------------------+-------------------+-----+---------------------+
//   observations: 1440 packed2 bytes per slot; action, is_first, is_terminal,
//   is_truncated: uint8; reward, continue: float; episode_id: int64;
//   stamp: uint64 = the logical step t last written to the slot
//   (kNeverWritten before the first write).
//
// All columns live in one HostBlock allocated (and zero-filled) at
// construction; no address changes afterwards, which storage_fingerprint()
// lets a gate check. A sequence of one stream is contiguous in every column
// except where it wraps around the end of the stream's K slots.
//
// Step alignment (DESIGN.md section 6): row t holds obs_t together with the
// transition that arrived at it: `action` = a_{t-1}, the action that led to
// obs_t (0 where is_first), reward_t, is_terminal_t, is_truncated_t and
// continue_t = 1 - is_terminal_t.
//
// Writing: the writer of group g (streams [g * B/G, (g+1) * B/G)) calls
//   step0 = begin_chunk(g); write_step(s, step0 + i, ...) for every stream s of
//   the group and i < commit_stride; publish_chunk(g).
// With ObservationHome::kExternal the ring keeps no observations (a
// DeviceReplayRing keeps them on the GPU) and write_step takes none.
//
// Thread-safety: one writer thread per group may write and commit while any
// number of samplers read; readers must stay inside a fence's window and pin
// what they copy (SequenceSampler does). Construction, restore and the
// mutable_columns() used by loading need every writer and reader stopped.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <vector>

#include "common/packed2.hpp"
#include "replay/commit_fence.hpp"
#include "replay/host_block.hpp"
#include "replay/replay_options.hpp"

namespace dreamer::replay {

enum class ObservationHome { kHost, kExternal };

// The fields of one step besides its observation.
struct StepFields {
  std::uint8_t action = 0;  // a_{t-1}: the action that led to this observation
  float reward = 0.0f;      // reward of the transition that arrived here
  bool is_first = false;
  bool is_terminal = false;  // goal reached (continue = 0)
  bool is_truncated = false;
  std::int64_t episode_id = 0;
};

// Base pointers of the ring's columns (each [num_streams * capacity] rows).
template <class Byte, class Float, class Int64, class UInt64>
struct RingColumnsOf {
  Byte* observations = nullptr;  // [rows, 1440]; null with ObservationHome::kExternal
  Byte* action = nullptr;
  Float* reward = nullptr;
  Byte* is_first = nullptr;
  Byte* is_terminal = nullptr;
  Byte* is_truncated = nullptr;
  Float* continues = nullptr;
  Int64* episode_id = nullptr;
  UInt64* stamp = nullptr;
};
using RingColumns = RingColumnsOf<const std::uint8_t, const float, const std::int64_t, const std::uint64_t>;
using MutableRingColumns = RingColumnsOf<std::uint8_t, float, std::int64_t, std::uint64_t>;

class ReplayRing {
 public:
  static constexpr std::uint64_t kNeverWritten = std::numeric_limits<std::uint64_t>::max();
  static constexpr std::size_t kObservationBytes = packed2::kBytesPerFrame;

  // Validates `options` (dreamer::ConfigError) and allocates everything.
  explicit ReplayRing(const ReplayOptions& options, ObservationHome observation_home = ObservationHome::kHost);
  ReplayRing(const ReplayRing&) = delete;
  ReplayRing& operator=(const ReplayRing&) = delete;

  const ReplayOptions& options() const { return options_; }
  ObservationHome observation_home() const { return observation_home_; }
  int num_streams() const { return options_.num_streams; }
  int num_groups() const { return options_.writer_groups; }
  std::int64_t capacity() const { return options_.capacity; }
  int group_of(int stream) const { return stream / options_.streams_per_group(); }
  std::size_t row_of(int stream, std::uint64_t step) const {
    return static_cast<std::size_t>(stream) * static_cast<std::size_t>(options_.capacity) +
           static_cast<std::size_t>(step % static_cast<std::uint64_t>(options_.capacity));
  }

  // --- writer of group `group` (one thread per group) ---
  std::uint64_t begin_chunk(int group) { return fence(group).begin_chunk(); }
  // Writes one step of `stream`; `step` must lie in the group's open chunk.
  // `packed_observation` (1440 bytes) is required with kHost, must be null
  // with kExternal.
  void write_step(int stream, std::uint64_t step, const StepFields& fields, const std::uint8_t* packed_observation);
  void publish_chunk(int group) { fence(group).publish_chunk(); }

  // --- readers ---
  CommitFence& fence(int group) { return *fences_[static_cast<std::size_t>(group)]; }
  const CommitFence& fence(int group) const { return *fences_[static_cast<std::size_t>(group)]; }
  RingColumns columns() const;
  // Reader slots for pinning (SequenceSampler takes one for its lifetime).
  // Throws dreamer::Error when all max_samplers slots are taken.
  int acquire_reader_slot() const;
  void release_reader_slot(int slot) const;

  // --- metrics (any thread) ---
  // Committed steps still held, over all streams.
  std::int64_t replay_size() const;
  // Steps inside the sampleable windows, over all streams.
  std::int64_t ready_steps() const;
  // FNV-1a hash of the storage's base address and size; equal before and
  // after a run iff no buffer moved.
  std::uint64_t storage_fingerprint() const;

  // --- resume (everything stopped) ---
  MutableRingColumns mutable_columns();
  void restore_committed_steps(int group, std::uint64_t committed_steps) { fence(group).restore(committed_steps); }

 private:
  ReplayOptions options_;
  ObservationHome observation_home_;
  HostBlock block_;
  MutableRingColumns columns_;
  std::vector<std::unique_ptr<CommitFence>> fences_;
  std::unique_ptr<std::atomic<bool>[]> reader_slot_taken_;
};

}  // namespace dreamer::replay
