#pragma once
// Deterministic test steps: every field of step `step` of stream `stream` is a
// fixed function of (stream, step), so a test can check any sampled row
// against an independent recomputation (and so detect rows that were torn,
// overwritten or taken from another stream).
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/packed2.hpp"
#include "common/trajectory/trajectory_chunk.hpp"
#include "replay/replay_ring.hpp"

namespace dreamer::replay::testing {

inline constexpr std::uint64_t kEpisodeLength = 37;

inline void fill_observation(int stream, std::uint64_t step, std::uint8_t* packed) {
  const std::uint64_t key = (static_cast<std::uint64_t>(stream) << 40) ^ step;
  std::memcpy(packed, &key, sizeof(key));
  for (int i = static_cast<int>(sizeof(key)); i < packed2::kBytesPerFrame; ++i) {
    packed[i] = static_cast<std::uint8_t>(stream * 31 + step * 7 + static_cast<std::uint64_t>(i));
  }
}

inline bool observation_matches(int stream, std::uint64_t step, const std::uint8_t* packed) {
  std::uint8_t expected[packed2::kBytesPerFrame];
  fill_observation(stream, step, expected);
  return std::memcmp(expected, packed, sizeof(expected)) == 0;
}

inline StepFields make_fields(int stream, std::uint64_t step) {
  StepFields fields;
  const std::uint64_t in_episode = step % kEpisodeLength;
  fields.is_first = in_episode == 0;
  fields.is_terminal = in_episode == kEpisodeLength - 1 && (step / kEpisodeLength) % 2 == 0;
  fields.is_truncated = in_episode == kEpisodeLength - 1 && !fields.is_terminal;
  fields.action = fields.is_first ? 0 : static_cast<std::uint8_t>(1 + (stream + step) % 7);
  fields.reward = fields.is_first ? 0.0f : 0.25f * static_cast<float>((step + stream) % 5) - 0.5f;
  fields.episode_id = static_cast<std::int64_t>(stream) * 1000000 + static_cast<std::int64_t>(step / kEpisodeLength);
  return fields;
}

// The small ring most replay tests use: 2 writer groups of 2 streams, 40
// steps each, commits every 4 steps, sequences of 8.
inline ReplayOptions small_ring_options(int batch_size = 3) {
  ReplayOptions options;
  options.num_streams = 4;
  options.writer_groups = 2;
  options.capacity = 40;
  options.commit_stride = 4;
  options.safety_margin = 4;
  options.seq_len = 8;
  options.batch_size = batch_size;
  options.min_size_to_sample = 32;
  options.train_ratio = 4.0;
  options.error_buffer = 64.0;
  return options;
}

// Writes and publishes `chunks` chunks of test steps for every stream of
// `group`.
inline void write_chunks(ReplayRing& ring, int group, int chunks) {
  std::vector<std::uint8_t> observation(packed2::kBytesPerFrame);
  const int streams = ring.options().streams_per_group();
  const bool host = ring.observation_home() == ObservationHome::kHost;
  for (int chunk = 0; chunk < chunks; ++chunk) {
    const std::uint64_t first = ring.begin_chunk(group);
    for (int i = 0; i < ring.options().commit_stride; ++i) {
      const std::uint64_t step = first + static_cast<std::uint64_t>(i);
      for (int s = group * streams; s < (group + 1) * streams; ++s) {
        if (host) fill_observation(s, step, observation.data());
        ring.write_step(s, step, make_fields(s, step), host ? observation.data() : nullptr);
      }
    }
    ring.publish_chunk(group);
  }
}

// `group`'s chunk `chunk_index` of the test steps (the group's first chunk
// is its ring's steps 0 .. commit_stride - 1).
inline TrajectoryChunk filled_chunk(const ReplayOptions& options, int group, int chunk_index) {
  ChunkHeader header;
  header.actor = group;
  header.first_stream = group * options.streams_per_group();
  header.num_streams = options.streams_per_group();
  header.steps = options.commit_stride;
  header.chunk_index = chunk_index;
  TrajectoryChunk chunk(header);
  for (int t = 0; t < header.steps; ++t) {
    const auto step = static_cast<std::uint64_t>(chunk_index * header.steps + t);
    for (int s = 0; s < header.num_streams; ++s) {
      const int stream = header.first_stream + s;
      const StepFields fields = make_fields(stream, step);
      fill_observation(stream, step, chunk.observation(t, s));
      chunk.action(t)[s] = fields.action;
      chunk.reward(t)[s] = fields.reward;
      chunk.is_first(t)[s] = fields.is_first ? 1 : 0;
      chunk.is_terminal(t)[s] = fields.is_terminal ? 1 : 0;
      chunk.is_truncated(t)[s] = fields.is_truncated ? 1 : 0;
      chunk.episode_id(t)[s] = fields.episode_id;
    }
  }
  return chunk;
}

}  // namespace dreamer::replay::testing
