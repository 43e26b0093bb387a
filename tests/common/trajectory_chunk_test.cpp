#include "common/trajectory/trajectory_chunk.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "common/error.hpp"

namespace dreamer {
namespace {

// 2 steps x 3 streams = 6 rows. Offsets worked out by hand from the layout in
// trajectory_chunk.hpp: header 64, observations 6 x 1440 = 8640, four uint8
// columns of 6, reward (8-aligned) 6 x 4, episode_id (8-aligned) 6 x 8.
constexpr std::size_t kObservationAt = 64;
constexpr std::size_t kActionAt = 64 + 8640;               // 8704
constexpr std::size_t kIsFirstAt = kActionAt + 6;          // 8710
constexpr std::size_t kIsTerminalAt = kIsFirstAt + 6;      // 8716
constexpr std::size_t kIsTruncatedAt = kIsTerminalAt + 6;  // 8722
constexpr std::size_t kRewardAt = 8728;                    // 8728 already 8-aligned
constexpr std::size_t kEpisodeIdAt = kRewardAt + 24;       // 8752
constexpr std::size_t kWireBytes = kEpisodeIdAt + 48;      // 8800

ChunkHeader small_header() {
  ChunkHeader header;
  header.actor = 1;
  header.first_stream = 3;
  header.num_streams = 3;
  header.steps = 2;
  header.policy_version = 17;
  header.chunk_index = 5;
  return header;
}

// Every field of row (t, stream) is a distinct function of the row.
TrajectoryChunk filled_chunk() {
  TrajectoryChunk chunk(small_header());
  for (int t = 0; t < 2; ++t) {
    for (int s = 0; s < 3; ++s) {
      const int row = t * 3 + s;
      for (int i = 0; i < 1440; ++i) chunk.observation(t, s)[i] = static_cast<std::uint8_t>(row * 7 + i);
      chunk.action(t)[s] = static_cast<std::uint8_t>(10 + row);
      chunk.is_first(t)[s] = row == 0 ? 1 : 0;
      chunk.is_terminal(t)[s] = row == 4 ? 1 : 0;
      chunk.is_truncated(t)[s] = row == 5 ? 1 : 0;
      chunk.reward(t)[s] = 0.5f * static_cast<float>(row) - 1.0f;
      chunk.episode_id(t)[s] = 1000 + row;
    }
  }
  return chunk;
}

template <typename T>
T read_at(std::span<const std::uint8_t> bytes, std::size_t offset) {
  T value;
  std::memcpy(&value, bytes.data() + offset, sizeof value);
  return value;
}

// The message text of decode(bytes)'s dreamer::Error ("" when none).
std::string decode_error(const std::vector<std::uint8_t>& bytes) {
  try {
    TrajectoryChunkView::decode(bytes);
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(TrajectoryChunk, WireFormIsMagicVersionHeaderThenEveryFieldAtItsFixedOffset) {
  const TrajectoryChunk chunk = filled_chunk();
  const std::span<const std::uint8_t> bytes = chunk.encode();
  ASSERT_EQ(bytes.size(), kWireBytes);
  EXPECT_EQ(std::string(reinterpret_cast<const char*>(bytes.data()), 4), "DRTC");
  EXPECT_EQ(read_at<std::uint32_t>(bytes, 4), 2u);
  EXPECT_EQ(read_at<std::int32_t>(bytes, 8), 1);    // actor
  EXPECT_EQ(read_at<std::int32_t>(bytes, 12), 3);   // first_stream
  EXPECT_EQ(read_at<std::int32_t>(bytes, 16), 3);   // num_streams
  EXPECT_EQ(read_at<std::int32_t>(bytes, 20), 2);   // steps
  EXPECT_EQ(read_at<std::int64_t>(bytes, 24), 17);  // policy_version
  EXPECT_EQ(read_at<std::int64_t>(bytes, 32), 5);   // chunk_index
  for (std::size_t i = 40; i < 64; ++i) EXPECT_EQ(bytes[i], 0) << "header padding byte " << i;
  // Row 4 = (t 1, stream 1).
  EXPECT_EQ(bytes[kObservationAt + 4 * 1440 + 9], static_cast<std::uint8_t>(4 * 7 + 9));
  EXPECT_EQ(bytes[kActionAt + 4], 14);
  EXPECT_EQ(bytes[kIsFirstAt + 0], 1);
  EXPECT_EQ(bytes[kIsTerminalAt + 4], 1);
  EXPECT_EQ(bytes[kIsTruncatedAt + 5], 1);
  EXPECT_EQ(read_at<float>(bytes, kRewardAt + 4 * sizeof(float)), 1.0f);
  EXPECT_EQ(read_at<std::int64_t>(bytes, kEpisodeIdAt + 4 * sizeof(std::int64_t)), 1004);
}

TEST(TrajectoryChunk, EncodeIsTheChunksOwnStorageNotACopy) {
  TrajectoryChunk chunk(small_header());
  const std::span<const std::uint8_t> bytes = chunk.encode();
  EXPECT_EQ(bytes.data() + kObservationAt, chunk.observation(0, 0));
  chunk.header().chunk_index = 99;
  chunk.reward(1)[2] = 3.0f;
  EXPECT_EQ(read_at<std::int64_t>(bytes, 32), 99);
  EXPECT_EQ(read_at<float>(bytes, kRewardAt + 5 * sizeof(float)), 3.0f);
}

TEST(TrajectoryChunk, DecodeReadsAReceivedMessageInPlaceWithEveryField) {
  const TrajectoryChunk chunk = filled_chunk();
  const std::vector<std::uint8_t> received(chunk.encode().begin(), chunk.encode().end());
  const TrajectoryChunkView view = TrajectoryChunkView::decode(received);
  EXPECT_EQ(view.bytes().data(), received.data());
  EXPECT_EQ(view.observation(0, 0), received.data() + kObservationAt);
  EXPECT_EQ(view.header().actor, 1);
  EXPECT_EQ(view.header().first_stream, 3);
  EXPECT_EQ(view.header().num_streams, 3);
  EXPECT_EQ(view.header().steps, 2);
  EXPECT_EQ(view.header().policy_version, 17);
  EXPECT_EQ(view.header().chunk_index, 5);
  for (int t = 0; t < 2; ++t) {
    for (int s = 0; s < 3; ++s) {
      const int row = t * 3 + s;
      EXPECT_EQ(view.observation(t, s)[1439], static_cast<std::uint8_t>(row * 7 + 1439));
      EXPECT_EQ(view.action(t)[s], 10 + row);
      EXPECT_EQ(view.is_first(t)[s], row == 0 ? 1 : 0);
      EXPECT_EQ(view.is_terminal(t)[s], row == 4 ? 1 : 0);
      EXPECT_EQ(view.is_truncated(t)[s], row == 5 ? 1 : 0);
      EXPECT_EQ(view.reward(t)[s], 0.5f * static_cast<float>(row) - 1.0f);
      EXPECT_EQ(view.episode_id(t)[s], 1000 + row);
    }
  }
}

TEST(TrajectoryChunk, DecodeRejectsTruncatedOrOverlongMessagesWithOneClearError) {
  const TrajectoryChunk chunk = filled_chunk();
  const std::vector<std::uint8_t> whole(chunk.encode().begin(), chunk.encode().end());
  EXPECT_NE(decode_error({}).find("too short: 0 bytes"), std::string::npos);
  EXPECT_NE(decode_error(std::vector<std::uint8_t>(whole.begin(), whole.begin() + 63)).find("too short: 63 bytes"),
            std::string::npos);
  const std::string header_only = decode_error(std::vector<std::uint8_t>(whole.begin(), whole.begin() + 64));
  EXPECT_NE(header_only.find("holds 64 bytes"), std::string::npos) << header_only;
  EXPECT_NE(header_only.find("needs 8800"), std::string::npos) << header_only;
  const std::string one_short = decode_error(std::vector<std::uint8_t>(whole.begin(), whole.end() - 1));
  EXPECT_NE(one_short.find("holds 8799 bytes"), std::string::npos) << one_short;
  std::vector<std::uint8_t> one_long = whole;
  one_long.push_back(0);
  EXPECT_NE(decode_error(one_long).find("holds 8801 bytes"), std::string::npos);
}

TEST(TrajectoryChunk, DecodeRejectsForeignMessagesOtherVersionsAndBadHeaders) {
  const TrajectoryChunk chunk = filled_chunk();
  const std::vector<std::uint8_t> whole(chunk.encode().begin(), chunk.encode().end());
  // Format 1 began with the uint64 length of a cereal header (32).
  std::vector<std::uint8_t> format1 = whole;
  const std::uint64_t cereal_header_length = 32;
  std::memcpy(format1.data(), &cereal_header_length, sizeof cereal_header_length);
  EXPECT_NE(decode_error(format1).find("not a trajectory chunk"), std::string::npos);
  const std::string json = R"({"role": "actor", "env_steps": 1024, "padding": "................................"})";
  EXPECT_NE(decode_error(std::vector<std::uint8_t>(json.begin(), json.end())).find("not a trajectory chunk"),
            std::string::npos);

  std::vector<std::uint8_t> version3 = whole;
  version3[4] = 3;
  EXPECT_NE(decode_error(version3).find("format version 3, this build reads 2"), std::string::npos);

  const auto with_shape = [&](std::int32_t streams, std::int32_t steps) {
    std::vector<std::uint8_t> bytes = whole;
    std::memcpy(bytes.data() + 16, &streams, sizeof streams);
    std::memcpy(bytes.data() + 20, &steps, sizeof steps);
    return decode_error(bytes);
  };
  EXPECT_NE(with_shape(0, 2).find("needs >= 1 stream and >= 1 step"), std::string::npos);
  EXPECT_NE(with_shape(3, -1).find("needs >= 1 stream and >= 1 step"), std::string::npos);
  const std::int32_t max = std::numeric_limits<std::int32_t>::max();
  EXPECT_NE(with_shape(max, max).find("too large"), std::string::npos);
  // A sane header of another shape: 4 rows need 64 + 4 x (1440 + 4) + 4 x 4 + 4 x 8 = 5888 bytes.
  const std::string other_shape = with_shape(4, 1);
  EXPECT_NE(other_shape.find("holds 8800 bytes, its header (1 steps x 4 streams) needs 5888"), std::string::npos)
      << other_shape;
}

TEST(TrajectoryChunk, ConstructionRefusesAnEmptyShape) {
  ChunkHeader header = small_header();
  header.steps = 0;
  EXPECT_THROW(TrajectoryChunk{header}, Error);
}

}  // namespace
}  // namespace dreamer
