// Started by ctest through mpirun -np 2: rank 1 plays an actor, rank 0 the
// replay server. main() holds the MPI session.
#include "launch/role_messages.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/mpi/mpi_session.hpp"
#include "common/trajectory/trajectory_chunk.hpp"
#include "tests/common/mpi_world.hpp"

namespace dreamer {
namespace {

TrajectoryChunk numbered_chunk(int steps, int streams, std::int64_t chunk_index) {
  ChunkHeader header;
  header.num_streams = streams;
  header.steps = steps;
  header.chunk_index = chunk_index;
  TrajectoryChunk chunk(header);
  chunk.observation(steps - 1, streams - 1)[1439] = static_cast<std::uint8_t>(chunk_index);
  chunk.episode_id(steps - 1)[streams - 1] = 1000 + chunk_index;
  return chunk;
}

TEST(RoleMessages, ChunksArriveInOneReusedBufferAndDecodeInPlace) {
  // (steps, streams) of each chunk: large, small, large again.
  const int shapes[3][2] = {{4, 8}, {2, 3}, {4, 8}};
  if (test::world_rank() == 1) {
    for (int i = 0; i < 3; ++i) send_bytes(numbered_chunk(shapes[i][0], shapes[i][1], i).encode(), 0, kChunk);
  } else {
    std::vector<std::uint8_t> buffer;
    const std::uint8_t* first_data = nullptr;
    for (int i = 0; i < 3; ++i) {
      int from = -1;
      const std::span<std::uint8_t> bytes = receive_bytes(buffer, MPI_ANY_SOURCE, kChunk, &from);
      EXPECT_EQ(from, 1);
      EXPECT_EQ(bytes.data(), buffer.data());
      EXPECT_EQ(bytes.size(), ChunkLayout(shapes[i][0], shapes[i][1]).size_bytes);
      if (i == 0) first_data = buffer.data();
      EXPECT_EQ(buffer.data(), first_data) << "the buffer was reallocated for message " << i;
      const TrajectoryChunkView chunk = TrajectoryChunkView::decode(bytes);
      EXPECT_EQ(chunk.observation(0, 0), buffer.data() + kChunkHeaderBytes);
      EXPECT_EQ(chunk.header().chunk_index, i);
      EXPECT_EQ(chunk.observation(shapes[i][0] - 1, shapes[i][1] - 1)[1439], i);
      EXPECT_EQ(chunk.episode_id(shapes[i][0] - 1)[shapes[i][1] - 1], 1000 + i);
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(RoleMessages, AForeignMessageOnTheChunkTagGivesOneClearError) {
  if (test::world_rank() == 1) {
    send_json({{"role", "actor"}, {"note", "a report sent on the wrong tag, longer than a chunk header"}}, 0, kChunk);
  } else {
    std::vector<std::uint8_t> buffer;
    const std::span<std::uint8_t> bytes = receive_bytes(buffer, 1, kChunk);
    try {
      TrajectoryChunkView::decode(bytes);
      ADD_FAILURE() << "a JSON report decoded as a chunk";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find("not a trajectory chunk"), std::string::npos) << error.what();
    }
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

TEST(RoleMessages, MessageWaitingNamesTheSender) {
  if (test::world_rank() == 1) {
    send_int(7, 0, kChunkAck);
  } else {
    int from = -1;
    while (!message_waiting(MPI_ANY_SOURCE, kChunkAck, &from)) {
    }
    EXPECT_EQ(from, 1);
    EXPECT_EQ(receive_int(from, kChunkAck), 7);
  }
  MPI_Barrier(MPI_COMM_WORLD);
}

}  // namespace
}  // namespace dreamer

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  const dreamer::MpiSession session(2);
  return RUN_ALL_TESTS();
}
