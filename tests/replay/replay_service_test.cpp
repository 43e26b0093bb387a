#include "replay/replay_service.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "common/error.hpp"
#include "replay_test_steps.hpp"

namespace dreamer::replay {
namespace {

// Group 1's chunk `chunk_index`, filled with the deterministic test steps.
TrajectoryChunk test_chunk(const ReplayOptions& options, int chunk_index) {
  ChunkHeader header;
  header.actor = 1;
  header.first_stream = options.streams_per_group();
  header.num_streams = options.streams_per_group();
  header.steps = options.commit_stride;
  header.chunk_index = chunk_index;
  TrajectoryChunk chunk(header);
  for (int t = 0; t < header.steps; ++t) {
    const auto step = static_cast<std::uint64_t>(chunk_index * header.steps + t);
    for (int s = 0; s < header.num_streams; ++s) {
      const int stream = header.first_stream + s;
      const StepFields fields = testing::make_fields(stream, step);
      testing::fill_observation(stream, step, chunk.observation(t, s));
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

TEST(ReplayService, InsertOfAReceivedMessageStoresEveryFieldOfEveryStep) {
  const ReplayOptions options = testing::small_ring_options();
  ReplayService service(options);
  for (int chunk_index = 0; chunk_index < 3; ++chunk_index) {
    const TrajectoryChunk chunk = test_chunk(options, chunk_index);
    const std::vector<std::uint8_t> received(chunk.encode().begin(), chunk.encode().end());
    ASSERT_EQ(service.insert(TrajectoryChunkView::decode(received), std::chrono::seconds(1)), LimiterStatus::kOk);
  }
  const RingColumns columns = service.ring().columns();
  for (int stream = 2; stream < 4; ++stream) {
    for (std::uint64_t step = 0; step < 12; ++step) {
      const std::size_t row = service.ring().row_of(stream, step);
      const StepFields expected = testing::make_fields(stream, step);
      EXPECT_EQ(columns.stamp[row], step);
      EXPECT_TRUE(testing::observation_matches(stream, step, columns.observations + row * 1440));
      EXPECT_EQ(columns.action[row], expected.action);
      EXPECT_EQ(columns.reward[row], expected.reward);
      EXPECT_EQ(columns.is_first[row], expected.is_first ? 1 : 0);
      EXPECT_EQ(columns.is_terminal[row], expected.is_terminal ? 1 : 0);
      EXPECT_EQ(columns.is_truncated[row], expected.is_truncated ? 1 : 0);
      EXPECT_EQ(columns.continues[row], expected.is_terminal ? 0.0f : 1.0f);
      EXPECT_EQ(columns.episode_id[row], expected.episode_id);
    }
  }
  EXPECT_EQ(service.ring().fence(1).committed_steps(), 12u);
  EXPECT_EQ(service.ring().fence(0).committed_steps(), 0u);
}

TEST(ReplayService, InsertRefusesAChunkThatDoesNotMatchItsWriterGroup) {
  const ReplayOptions options = testing::small_ring_options();
  ReplayService service(options);
  TrajectoryChunk chunk = test_chunk(options, 0);
  chunk.header().first_stream = 0;  // group 1 owns streams 2 and 3
  EXPECT_THROW(service.insert(chunk.view(), std::chrono::seconds(1)), Error);
  EXPECT_EQ(service.ring().fence(1).committed_steps(), 0u);
}

}  // namespace
}  // namespace dreamer::replay
