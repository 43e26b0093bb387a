#include "replay/trajectory_chunk.hpp"

#include <cereal/archives/binary.hpp>

#include <cstring>
#include <sstream>
#include <string>

#include "common/error.hpp"

namespace dreamer::replay {
namespace {

std::size_t align8(std::size_t offset) { return (offset + 7) / 8 * 8; }

}  // namespace

TrajectoryChunk::TrajectoryChunk(const ChunkHeader& header) : header_(header) {
  if (header.num_streams < 1 || header.steps < 1)
    throw Error("trajectory chunk needs >= 1 stream and >= 1 step, got " + std::to_string(header.num_streams) + " x " +
                std::to_string(header.steps));
  const std::size_t rows = static_cast<std::size_t>(header.steps) * header.num_streams;
  observation_offset_ = 0;
  action_offset_ = rows * packed2::kBytesPerFrame;
  is_first_offset_ = action_offset_ + rows;
  is_terminal_offset_ = is_first_offset_ + rows;
  is_truncated_offset_ = is_terminal_offset_ + rows;
  reward_offset_ = align8(is_truncated_offset_ + rows);
  episode_id_offset_ = align8(reward_offset_ + rows * sizeof(float));
  payload_.assign(episode_id_offset_ + rows * sizeof(std::int64_t), 0);
}

std::vector<std::uint8_t> TrajectoryChunk::encode() const {
  std::ostringstream header_stream;
  {
    cereal::BinaryOutputArchive archive(header_stream);
    archive(header_);
  }
  const std::string header = header_stream.str();
  const std::uint64_t header_length = header.size();
  std::vector<std::uint8_t> bytes(sizeof header_length + header.size() + payload_.size());
  std::memcpy(bytes.data(), &header_length, sizeof header_length);
  std::memcpy(bytes.data() + sizeof header_length, header.data(), header.size());
  std::memcpy(bytes.data() + sizeof header_length + header.size(), payload_.data(), payload_.size());
  return bytes;
}

TrajectoryChunk TrajectoryChunk::decode(std::span<const std::uint8_t> bytes) {
  std::uint64_t header_length = 0;
  if (bytes.size() < sizeof header_length) throw Error("trajectory chunk message too short");
  std::memcpy(&header_length, bytes.data(), sizeof header_length);
  if (header_length > bytes.size() - sizeof header_length) throw Error("trajectory chunk header overruns the message");
  ChunkHeader header;
  try {
    std::istringstream header_stream(
        std::string(reinterpret_cast<const char*>(bytes.data()) + sizeof header_length, header_length));
    cereal::BinaryInputArchive archive(header_stream);
    archive(header);
  } catch (const cereal::Exception& error) {
    throw Error(std::string("trajectory chunk header is malformed: ") + error.what());
  }
  TrajectoryChunk chunk(header);
  const std::size_t payload_bytes = bytes.size() - sizeof header_length - header_length;
  if (payload_bytes != chunk.payload_.size())
    throw Error("trajectory chunk payload holds " + std::to_string(payload_bytes) + " bytes, its header needs " +
                std::to_string(chunk.payload_.size()));
  std::memcpy(chunk.payload_.data(), bytes.data() + sizeof header_length + header_length, payload_bytes);
  return chunk;
}

}  // namespace dreamer::replay
