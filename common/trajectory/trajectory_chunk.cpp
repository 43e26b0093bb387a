#include "common/trajectory/trajectory_chunk.hpp"

#include <cstring>
#include <string>

#include "common/error.hpp"

namespace dreamer {
namespace {

std::size_t align8(std::size_t offset) { return (offset + 7) / 8 * 8; }

}  // namespace

ChunkLayout::ChunkLayout(int steps, int streams) : num_streams(streams) {
  if (streams < 1 || steps < 1)
    throw Error("trajectory chunk needs >= 1 stream and >= 1 step, got " + std::to_string(streams) + " x " +
                std::to_string(steps));
  const std::size_t rows = static_cast<std::size_t>(steps) * static_cast<std::size_t>(streams);
  if (rows >= std::size_t{1} << 40)
    throw Error("trajectory chunk of " + std::to_string(steps) + " steps x " + std::to_string(streams) +
                " streams is too large");
  observation = kChunkHeaderBytes;
  action = observation + rows * packed2::kBytesPerFrame;
  is_first = action + rows;
  is_terminal = is_first + rows;
  is_truncated = is_terminal + rows;
  reward = align8(is_truncated + rows);
  episode_id = align8(reward + rows * sizeof(float));
  size_bytes = episode_id + rows * sizeof(std::int64_t);
}

TrajectoryChunkView TrajectoryChunkView::decode(std::span<const std::uint8_t> bytes) {
  DREAMER_ASSERT(reinterpret_cast<std::uintptr_t>(bytes.data()) % alignof(std::int64_t) == 0,
                 "a trajectory chunk is read in place and needs an 8-byte aligned buffer");
  if (bytes.size() < kChunkHeaderBytes)
    throw Error("trajectory chunk message too short: " + std::to_string(bytes.size()) +
                " bytes, the header alone needs " + std::to_string(kChunkHeaderBytes));
  std::uint32_t magic = 0, version = 0;
  std::memcpy(&magic, bytes.data(), sizeof magic);
  std::memcpy(&version, bytes.data() + sizeof magic, sizeof version);
  if (magic != kChunkMagic) throw Error("message is not a trajectory chunk (wrong magic number)");
  if (version != kChunkFormatVersion)
    throw Error("trajectory chunk has format version " + std::to_string(version) + ", this build reads " +
                std::to_string(kChunkFormatVersion));
  ChunkHeader header;
  std::memcpy(&header, bytes.data() + kChunkHeaderAt, sizeof header);
  const ChunkLayout layout(header.steps, header.num_streams);
  if (bytes.size() != layout.size_bytes)
    throw Error("trajectory chunk message holds " + std::to_string(bytes.size()) + " bytes, its header (" +
                std::to_string(header.steps) + " steps x " + std::to_string(header.num_streams) + " streams) needs " +
                std::to_string(layout.size_bytes));
  return {bytes, layout};
}

TrajectoryChunk::TrajectoryChunk(const ChunkHeader& header)
    : layout_(header.steps, header.num_streams), bytes_(layout_.size_bytes, 0) {
  std::memcpy(bytes_.data(), &kChunkMagic, sizeof kChunkMagic);
  std::memcpy(bytes_.data() + sizeof kChunkMagic, &kChunkFormatVersion, sizeof kChunkFormatVersion);
  std::memcpy(bytes_.data() + kChunkHeaderAt, &header, sizeof header);
}

}  // namespace dreamer
