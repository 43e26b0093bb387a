#include "replay/commit_fence.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

namespace dreamer::replay {
namespace {

using namespace std::chrono_literals;

TEST(CommitFence, WindowMatchesHandWorkedValues) {
  // K = 100, S = 8, M = 4: the window keeps at most K - S - M = 88 steps.
  auto window = [](std::uint64_t committed) { return CommitFence::window_for(committed, 100, 8, 4); };
  EXPECT_EQ(window(0).begin, 0u);
  EXPECT_EQ(window(0).end, 0u);
  EXPECT_EQ(window(40).begin, 0u);
  EXPECT_EQ(window(40).end, 40u);
  EXPECT_EQ(window(88).begin, 0u);
  EXPECT_EQ(window(96).begin, 8u);  // 96 + 8 + 4 - 100
  EXPECT_EQ(window(96).end, 96u);
  EXPECT_EQ(window(200).begin, 112u);
  EXPECT_EQ(window(200).size(), 88u);
}

TEST(CommitFence, SampleableWindowNeverHoldsTheSlotsTheNextChunkWrites) {
  for (const std::int64_t capacity : {20, 33, 64}) {
    for (const int stride : {1, 3, 4}) {
      for (const int margin : {0, 2, 5}) {
        if (capacity <= stride + margin) continue;
        for (std::uint64_t committed = 0; committed < 10 * static_cast<std::uint64_t>(capacity);
             committed += static_cast<std::uint64_t>(stride)) {
          const StepWindow window = CommitFence::window_for(committed, capacity, stride, margin);
          std::set<std::uint64_t> next_chunk_slots;
          for (int j = 0; j < stride; ++j)
            next_chunk_slots.insert((committed + static_cast<std::uint64_t>(j)) % static_cast<std::uint64_t>(capacity));
          EXPECT_EQ(window.end, committed);
          for (std::uint64_t step = window.begin; step < window.end; ++step) {
            EXPECT_EQ(next_chunk_slots.count(step % static_cast<std::uint64_t>(capacity)), 0u)
                << "K=" << capacity << " S=" << stride << " M=" << margin << " C=" << committed << " step=" << step;
            // The margin: M further steps above the overwritten ones stay out.
            EXPECT_GE(step + static_cast<std::uint64_t>(capacity),
                      committed + static_cast<std::uint64_t>(stride + margin));
          }
          // And the window is as large as that allows.
          const std::uint64_t longest = static_cast<std::uint64_t>(capacity - stride - margin);
          EXPECT_EQ(window.size(), std::min<std::uint64_t>(committed, longest));
        }
      }
    }
  }
}

TEST(CommitFence, UnpublishedStepsAreNotInTheWindow) {
  CommitFence fence(64, 4, 0, 1);
  const std::uint64_t first = fence.begin_chunk();
  EXPECT_EQ(first, 0u);
  EXPECT_TRUE(fence.chunk_contains(3));
  EXPECT_EQ(fence.window().size(), 0u);
  fence.publish_chunk();
  EXPECT_EQ(fence.window().end, 4u);
  EXPECT_EQ(fence.begin_chunk(), 4u);
  EXPECT_EQ(fence.window().end, 4u) << "an open chunk must stay invisible";
  EXPECT_FALSE(fence.chunk_contains(3));
  EXPECT_TRUE(fence.chunk_contains(7));
  EXPECT_FALSE(fence.chunk_contains(8));
}

TEST(CommitFence, PinFailsOnStepsTheOpenChunkOverwrites) {
  CommitFence fence(16, 4, 0, 1);
  for (int chunk = 0; chunk < 5; ++chunk) {
    fence.begin_chunk();
    fence.publish_chunk();
  }
  // Committed 20; the chunk [20, 24) overwrites steps [4, 8).
  fence.begin_chunk();
  EXPECT_FALSE(fence.pin(0, 4));
  EXPECT_FALSE(fence.pin(0, 7));
  EXPECT_TRUE(fence.pin(0, 8));
  fence.unpin(0);
  fence.publish_chunk();
}

TEST(CommitFence, WriterWaitsForAPinnedReaderAndGoesOnAfterUnpin) {
  CommitFence fence(16, 4, 0, 2);
  for (int chunk = 0; chunk < 4; ++chunk) {
    fence.begin_chunk();
    fence.publish_chunk();
  }
  // Committed 16, window [4, 16). Pin step 4 in reader slot 1.
  ASSERT_EQ(fence.window().begin, 4u);
  ASSERT_TRUE(fence.pin(1, 4));
  // The chunk [16, 20) overwrites [0, 4): allowed.
  fence.begin_chunk();
  fence.publish_chunk();
  // The chunk [20, 24) overwrites [4, 8): must wait for the pin.
  std::atomic<bool> began{false};
  std::thread writer([&] {
    fence.begin_chunk();
    began.store(true);
  });
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(began.load()) << "writer overwrote a pinned step";
  fence.unpin(1);
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (!began.load() && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_TRUE(began.load()) << "writer still waiting after unpin";
  writer.join();
  fence.publish_chunk();
  EXPECT_EQ(fence.writer_stalls(), 1u);
}

TEST(CommitFence, RestoreSetsTheCommittedCount) {
  CommitFence fence(64, 4, 0, 1);
  fence.restore(40);
  EXPECT_EQ(fence.committed_steps(), 40u);
  EXPECT_EQ(fence.begin_chunk(), 40u);
  fence.publish_chunk();
  EXPECT_EQ(fence.committed_steps(), 44u);
}

}  // namespace
}  // namespace dreamer::replay
