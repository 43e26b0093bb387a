#pragma once
// TrajectoryChunk: what one actor sends to the replay server per commit:
// `steps` (= commit_stride) consecutive env steps of its `num_streams` envs,
// time-major. It is also the unit of one writer group's commit.
//
// A chunk's storage IS its wire form, one contiguous buffer (host byte
// order), so sending it copies nothing and the replay server reads a received
// message in place:
//
//   offset  field
//   0       uint32 kChunkMagic ("DRTC"), uint32 kChunkFormatVersion
//   8       ChunkHeader (32 bytes), then zeros up to kChunkHeaderBytes (64)
//   64      observation  uint8 [steps, streams, 1440]  packed2
//           action       uint8 [steps, streams]        a_{t-1}: the action that led here (0 at is_first)
//           is_first, is_terminal, is_truncated  uint8 [steps, streams]
//           reward       float [steps, streams]        8-aligned; reward that arrived with obs_t
//           episode_id   int64 [steps, streams]        8-aligned
//
// Environments write observations straight into observation(t, 0) (stride
// 1440). TrajectoryChunk owns such a buffer and is written to; a
// TrajectoryChunkView reads one in place (a chunk's view(), or a received
// message checked by TrajectoryChunkView::decode).
//
// A CUDA actor may write a chunk's frames to device memory instead
// (ChunkFrameSlots: the device replay ring's slots); the chunk then carries
// every other field.
//
// The chunk is the data contract between actors/ (which fill it) and replay/
// (which stores it), so it belongs to neither.
//
// Thread-safety: none; a chunk belongs to one thread at a time. A view is
// valid while the bytes it reads stay alive and unchanged.
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>
#include <vector>

#include "common/packed2.hpp"

namespace dreamer {

inline constexpr std::uint32_t kChunkMagic = 0x43545244;  // "DRTC" in little-endian bytes
inline constexpr std::uint32_t kChunkFormatVersion = 2;   // 1: cereal header behind a length prefix
inline constexpr std::size_t kChunkHeaderAt = 8;          // the ChunkHeader's offset
inline constexpr std::size_t kChunkHeaderBytes = 64;

struct ChunkHeader {
  std::int32_t actor = 0;         // writer group (one per actor)
  std::int32_t first_stream = 0;  // global index of the chunk's first env stream
  std::int32_t num_streams = 0;
  std::int32_t steps = 0;
  std::int64_t policy_version = -1;  // the weights version the actor acted with
  std::int64_t chunk_index = 0;      // counts this actor's chunks from 0
};
static_assert(std::is_trivially_copyable_v<ChunkHeader> && sizeof(ChunkHeader) == 32,
              "ChunkHeader is copied byte for byte into the wire form");

// Byte offsets of the fields inside the wire form; fixed by steps x streams.
struct ChunkLayout {
  // Throws dreamer::Error unless steps >= 1 and num_streams >= 1 (and their
  // product is below 2^40 rows, so no size overflows).
  ChunkLayout(int steps, int num_streams);

  int num_streams = 0;
  std::size_t observation = 0, action = 0, is_first = 0, is_terminal = 0, is_truncated = 0, reward = 0, episode_id = 0;
  std::size_t size_bytes = 0;  // the whole wire form, header included
};

// Device addresses for a chunk's frames: env e's frame of tick t at
// tick_base[t] + e * env_stride.
struct ChunkFrameSlots {
  std::vector<std::uint8_t*> tick_base;
  std::size_t env_stride = 0;
};

class TrajectoryChunkView {
 public:
  // Checks that `bytes` is one whole chunk of this format: long enough for the
  // header, kChunkMagic and kChunkFormatVersion, steps and streams >= 1, and
  // exactly the size they imply; a truncated or foreign message throws one
  // dreamer::Error. `bytes` must be 8-byte aligned; nothing is copied.
  static TrajectoryChunkView decode(std::span<const std::uint8_t> bytes);

  const ChunkHeader& header() const { return *reinterpret_cast<const ChunkHeader*>(bytes_.data() + kChunkHeaderAt); }
  const std::uint8_t* observation(int t, int stream) const {
    return at<std::uint8_t>(layout_.observation, t, stream, packed2::kBytesPerFrame);
  }
  const std::uint8_t* action(int t) const { return at<std::uint8_t>(layout_.action, t, 0, 1); }
  const std::uint8_t* is_first(int t) const { return at<std::uint8_t>(layout_.is_first, t, 0, 1); }
  const std::uint8_t* is_terminal(int t) const { return at<std::uint8_t>(layout_.is_terminal, t, 0, 1); }
  const std::uint8_t* is_truncated(int t) const { return at<std::uint8_t>(layout_.is_truncated, t, 0, 1); }
  const float* reward(int t) const { return at<float>(layout_.reward, t, 0, 1); }
  const std::int64_t* episode_id(int t) const { return at<std::int64_t>(layout_.episode_id, t, 0, 1); }

  // The wire form.
  std::span<const std::uint8_t> bytes() const { return bytes_; }

 private:
  friend class TrajectoryChunk;
  TrajectoryChunkView(std::span<const std::uint8_t> bytes, const ChunkLayout& layout)
      : bytes_(bytes), layout_(layout) {}

  template <typename T>
  const T* at(std::size_t offset, int t, int stream, int width) const {
    const std::size_t index = (static_cast<std::size_t>(t) * layout_.num_streams + stream) * width;
    return reinterpret_cast<const T*>(bytes_.data() + offset) + index;
  }

  std::span<const std::uint8_t> bytes_;
  ChunkLayout layout_;
};

class TrajectoryChunk {
 public:
  // A zero-filled chunk (dreamer::Error unless steps and streams are >= 1).
  explicit TrajectoryChunk(const ChunkHeader& header);

  // The header inside the wire form; steps and num_streams fix the layout and
  // must not change.
  ChunkHeader& header() { return *reinterpret_cast<ChunkHeader*>(bytes_.data() + kChunkHeaderAt); }
  const ChunkHeader& header() const { return view().header(); }

  std::uint8_t* observation(int t, int stream) { return writable(view().observation(t, stream)); }
  std::uint8_t* action(int t) { return writable(view().action(t)); }
  std::uint8_t* is_first(int t) { return writable(view().is_first(t)); }
  std::uint8_t* is_terminal(int t) { return writable(view().is_terminal(t)); }
  std::uint8_t* is_truncated(int t) { return writable(view().is_truncated(t)); }
  float* reward(int t) { return writable(view().reward(t)); }
  std::int64_t* episode_id(int t) { return writable(view().episode_id(t)); }

  TrajectoryChunkView view() const { return {bytes_, layout_}; }
  // The wire form itself (no copy): what the actor sends.
  std::span<const std::uint8_t> encode() const { return bytes_; }

 private:
  template <typename T>
  static T* writable(const T* field) {
    return const_cast<T*>(field);
  }

  ChunkLayout layout_;
  std::vector<std::uint8_t> bytes_;
};

}  // namespace dreamer
