#include "replay/replay_service.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <vector>

#include "common/error.hpp"
#include "expect_ring_row.hpp"
#include "replay_test_steps.hpp"

namespace dreamer::replay {
namespace {

TEST(ReplayService, InsertOfAReceivedMessageStoresEveryFieldOfEveryStep) {
  const ReplayOptions options = testing::small_ring_options();
  ReplayService service(options);
  for (int chunk_index = 0; chunk_index < 3; ++chunk_index) {
    const TrajectoryChunk chunk = testing::filled_chunk(options, 1, chunk_index);
    const std::vector<std::uint8_t> received(chunk.encode().begin(), chunk.encode().end());
    ASSERT_EQ(service.insert(TrajectoryChunkView::decode(received), std::chrono::seconds(1)), LimiterStatus::kOk);
  }
  const RingColumns columns = service.ring().columns();
  for (int stream = 2; stream < 4; ++stream) {
    for (std::uint64_t step = 0; step < 12; ++step) {
      testing::expect_ring_row_holds_step(columns, service.ring().row_of(stream, step), stream, step);
    }
  }
  EXPECT_EQ(service.ring().fence(1).committed_steps(), 12u);
  EXPECT_EQ(service.ring().fence(0).committed_steps(), 0u);
}

TEST(ReplayService, InsertRefusesAChunkThatDoesNotMatchItsWriterGroup) {
  const ReplayOptions options = testing::small_ring_options();
  ReplayService service(options);
  TrajectoryChunk chunk = testing::filled_chunk(options, 1, 0);
  chunk.header().first_stream = 0;  // group 1 owns streams 2 and 3
  EXPECT_THROW(service.insert(chunk.view(), std::chrono::seconds(1)), Error);
  EXPECT_EQ(service.ring().fence(1).committed_steps(), 0u);
}

}  // namespace
}  // namespace dreamer::replay
