#include "replay/replay_ring.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "common/error.hpp"
#include "expect_ring_row.hpp"
#include "replay_test_steps.hpp"

namespace dreamer::replay {
namespace {

TEST(ReplayRing, WriteStepStoresEveryFieldAndTheLogicalStepAsStamp) {
  ReplayRing ring(testing::small_ring_options());
  testing::write_chunks(ring, 1, 12);  // 48 steps: wraps once (K = 40)
  const RingColumns columns = ring.columns();
  for (int stream = 2; stream < 4; ++stream) {
    for (std::uint64_t step = 8; step < 48; ++step) {
      testing::expect_ring_row_holds_step(columns, ring.row_of(stream, step), stream, step);
    }
  }
  // Group 0 was never written.
  EXPECT_EQ(columns.stamp[ring.row_of(0, 0)], ReplayRing::kNeverWritten);
}

TEST(ReplayRing, ContinueIsOneMinusIsTerminal) {
  ReplayRing ring(testing::small_ring_options());
  testing::write_chunks(ring, 0, 10);
  const RingColumns columns = ring.columns();
  int terminals = 0;
  for (std::size_t row = 0; row < 2 * 40; ++row) {
    EXPECT_EQ(columns.continues[row], 1.0f - static_cast<float>(columns.is_terminal[row]));
    terminals += columns.is_terminal[row];
  }
  EXPECT_GT(terminals, 0) << "test data should hold terminal steps";
}

TEST(ReplayRing, StorageAddressesNeverChangeWhileWriting) {
  ReplayRing ring(testing::small_ring_options());
  const std::uint64_t before = ring.storage_fingerprint();
  const RingColumns columns_before = ring.columns();
  testing::write_chunks(ring, 0, 100);
  testing::write_chunks(ring, 1, 100);
  EXPECT_EQ(ring.storage_fingerprint(), before);
  EXPECT_EQ(ring.columns().observations, columns_before.observations);
  EXPECT_EQ(ring.columns().stamp, columns_before.stamp);
  ReplayRing other(testing::small_ring_options());
  EXPECT_NE(other.storage_fingerprint(), before);
}

TEST(ReplayRing, SizeAndReadyStepsFollowTheCommits) {
  ReplayRing ring(testing::small_ring_options());
  EXPECT_EQ(ring.replay_size(), 0);
  testing::write_chunks(ring, 0, 3);  // 12 steps x 2 streams
  EXPECT_EQ(ring.replay_size(), 24);
  EXPECT_EQ(ring.ready_steps(), 24);
  testing::write_chunks(ring, 1, 20);  // 80 steps: holds K = 40, window 40 - 4 - 4 = 32
  EXPECT_EQ(ring.replay_size(), 24 + 80);
  EXPECT_EQ(ring.ready_steps(), 24 + 64);
}

TEST(ReplayRing, ExternalObservationRingKeepsNoObservations) {
  ReplayRing ring(testing::small_ring_options(), ObservationHome::kExternal);
  EXPECT_EQ(ring.columns().observations, nullptr);
  testing::write_chunks(ring, 0, 2);
  EXPECT_EQ(ring.columns().stamp[ring.row_of(1, 7)], 7u);
}

TEST(ReplayRing, ReaderSlotsRunOutWithAClearError) {
  ReplayOptions options = testing::small_ring_options();
  options.max_samplers = 2;
  ReplayRing ring(options);
  const int first = ring.acquire_reader_slot();
  const int second = ring.acquire_reader_slot();
  EXPECT_NE(first, second);
  EXPECT_THROW(ring.acquire_reader_slot(), Error);
  ring.release_reader_slot(first);
  EXPECT_EQ(ring.acquire_reader_slot(), first);
}

TEST(ReplayRing, InvalidOptionsAreRejectedAtConstruction) {
  ReplayOptions options = testing::small_ring_options();
  options.commit_stride = 5;  // > seq_len / 2
  EXPECT_THROW(ReplayRing{options}, ConfigError);
}

TEST(ReplayRingDeathTest, WritingOutsideTheOpenChunkIsAProgrammerError) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  ReplayRing ring(testing::small_ring_options());
  std::vector<std::uint8_t> observation(ReplayRing::kObservationBytes);
  EXPECT_DEATH(ring.write_step(0, 0, StepFields{}, observation.data()), "open chunk");
}

}  // namespace
}  // namespace dreamer::replay
