#pragma once
// Replay dump: the whole ring, its commit indices, the rate limiter's
// counters and the samplers' RNG states in one HDF5 file, for inspection
// (h5dump / h5py) and for resume. Layout (docs/file_formats.md, "Replay dump
// (HDF5)"), B = num_streams, K = capacity, G = writer_groups:
//
//   /                 attrs format = "dreamer_replay_dump", format_version = 1
//   /config           string: ReplayOptions as JSON {"replay": {...}}
//   /obs              uint8   [B, K, 72, 20]  packed2, chunked + deflate
//   /action /is_first /is_terminal /is_truncated   uint8 [B, K]
//   /reward /continue                              float32 [B, K]
//   /episode_id int64 [B, K]     /stamp uint64 [B, K]
//   /committed_steps  uint64 [G]   per writer group
//   /write_position   uint64 [B]   ring slot the next step of each stream goes to
//   /limiter          group, attrs inserts, samples (int64), train_ratio,
//                     replayed_steps_per_sample
//   /sampler_rng_state  string [n]  std::mt19937_64 text state per sampler
//
// Saving writes `<path>.tmp`, fsyncs it, renames it over `path` and fsyncs
// the directory, so a crash leaves either the old or the new dump.
//
// Thread-safety: save needs every writer paused between chunks (samplers may
// keep reading); load needs every writer and sampler stopped. Both throw
// dreamer::Error with the path and the reason (unreadable, truncated or
// foreign file, incompatible config, wrong dataset shape).
#include <filesystem>
#include <vector>

#include "replay/rate_limiter.hpp"
#include "replay/replay_ring.hpp"
#include "replay/sequence_sampler.hpp"

namespace dreamer::replay {

inline constexpr const char* kReplayDumpFormat = "dreamer_replay_dump";
inline constexpr int kReplayDumpVersion = 1;

// A ring with ObservationHome::kExternal (DeviceReplayRing) passes a host
// copy of its observations, [num_streams, capacity, 1440] bytes; a host ring
// passes null.
void save_replay_dump(const std::filesystem::path& path, const ReplayRing& ring, const RateLimiter& limiter,
                      const std::vector<const SequenceSampler*>& samplers,
                      const std::uint8_t* external_observations = nullptr);

// Loads into an existing ring built with a compatible config. A file that
// fails the layout checks leaves ring, limiter and samplers untouched; a read
// error inside the data (damaged file) leaves the ring's contents
// unspecified. num_streams,
// writer_groups, capacity and commit_stride must equal the file's (the other
// options may differ; the ring's own win). `samplers` is empty (RNG states
// are not restored) or has as many samplers as the file has states.
// `external_observations` as for save_replay_dump: where an external ring's
// observations are read to (the caller then moves them to the device).
void load_replay_dump(const std::filesystem::path& path, ReplayRing& ring, RateLimiter& limiter,
                      const std::vector<SequenceSampler*>& samplers, std::uint8_t* external_observations = nullptr);

// The check load_replay_dump makes before HDF5 parses the file: throws
// dreamer::Error, worded as load_replay_dump's, when its integrity seal is
// missing or does not match (a cut or damaged dump). Reads no data.
void verify_replay_dump(const std::filesystem::path& path);

}  // namespace dreamer::replay
