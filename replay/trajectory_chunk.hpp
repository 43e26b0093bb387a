#pragma once
// TrajectoryChunk: what one actor sends to the replay server per commit:
// `steps` (= commit_stride) consecutive env steps of its `num_streams` envs,
// time-major. It is also the unit of one writer group's commit.
//
//   payload (one contiguous buffer, offsets fixed by steps x streams):
//     observation  uint8 [steps, streams, 1440]  packed2
//     action       uint8 [steps, streams]        a_{t-1}: the action that led here (0 at is_first)
//     is_first, is_terminal, is_truncated  uint8 [steps, streams]
//     reward       float [steps, streams]        reward that arrived with obs_t
//     episode_id   int64 [steps, streams]
//
// Over MPI a chunk travels as one message: an 8-byte header length, the
// header (cereal binary), then the payload bytes as they are. Environments
// write observations straight into observation(t, 0) (stride 1440).
//
// Thread-safety: none; a chunk belongs to one thread at a time.
#include <cereal/cereal.hpp>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "common/packed2.hpp"

namespace dreamer::replay {

struct ChunkHeader {
  std::int32_t actor = 0;         // writer group (one per actor)
  std::int32_t first_stream = 0;  // global index of the chunk's first env stream
  std::int32_t num_streams = 0;
  std::int32_t steps = 0;
  std::int64_t policy_version = -1;  // the weights version the actor acted with
  std::int64_t chunk_index = 0;      // counts this actor's chunks from 0

  template <class Archive>
  void serialize(Archive& archive) {
    archive(CEREAL_NVP(actor), CEREAL_NVP(first_stream), CEREAL_NVP(num_streams), CEREAL_NVP(steps),
            CEREAL_NVP(policy_version), CEREAL_NVP(chunk_index));
  }
};

class TrajectoryChunk {
 public:
  explicit TrajectoryChunk(const ChunkHeader& header);

  ChunkHeader& header() { return header_; }
  const ChunkHeader& header() const { return header_; }

  std::uint8_t* observation(int t, int stream) { return at<std::uint8_t>(observation_offset_, t, stream, 1440); }
  std::uint8_t* action(int t) { return at<std::uint8_t>(action_offset_, t, 0, 1); }
  std::uint8_t* is_first(int t) { return at<std::uint8_t>(is_first_offset_, t, 0, 1); }
  std::uint8_t* is_terminal(int t) { return at<std::uint8_t>(is_terminal_offset_, t, 0, 1); }
  std::uint8_t* is_truncated(int t) { return at<std::uint8_t>(is_truncated_offset_, t, 0, 1); }
  float* reward(int t) { return at<float>(reward_offset_, t, 0, 1); }
  std::int64_t* episode_id(int t) { return at<std::int64_t>(episode_id_offset_, t, 0, 1); }
  const std::uint8_t* observation(int t, int stream) const {
    return const_cast<TrajectoryChunk*>(this)->observation(t, stream);
  }
  const std::uint8_t* action(int t) const { return const_cast<TrajectoryChunk*>(this)->action(t); }
  const std::uint8_t* is_first(int t) const { return const_cast<TrajectoryChunk*>(this)->is_first(t); }
  const std::uint8_t* is_terminal(int t) const { return const_cast<TrajectoryChunk*>(this)->is_terminal(t); }
  const std::uint8_t* is_truncated(int t) const { return const_cast<TrajectoryChunk*>(this)->is_truncated(t); }
  const float* reward(int t) const { return const_cast<TrajectoryChunk*>(this)->reward(t); }
  const std::int64_t* episode_id(int t) const { return const_cast<TrajectoryChunk*>(this)->episode_id(t); }

  // The wire form; decode() checks that the sizes add up (dreamer::Error).
  std::vector<std::uint8_t> encode() const;
  static TrajectoryChunk decode(std::span<const std::uint8_t> bytes);

  std::size_t payload_size() const { return payload_.size(); }

 private:
  template <typename T>
  T* at(std::size_t offset, int t, int stream, int width) {
    const std::size_t index = (static_cast<std::size_t>(t) * header_.num_streams + stream) * width;
    return reinterpret_cast<T*>(payload_.data() + offset) + index;
  }

  ChunkHeader header_;
  std::size_t observation_offset_ = 0, action_offset_ = 0, is_first_offset_ = 0, is_terminal_offset_ = 0,
              is_truncated_offset_ = 0, reward_offset_ = 0, episode_id_offset_ = 0;
  std::vector<std::uint8_t> payload_;
};

}  // namespace dreamer::replay
