#pragma once
// GoogleTest check that a ring row holds a test step (replay_test_steps.hpp),
// field by field, so a failure names the field that differs.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>

#include "replay/replay_ring.hpp"
#include "replay_test_steps.hpp"

namespace dreamer::replay::testing {

inline void expect_ring_row_holds_step(const RingColumns& columns, std::size_t row, int stream, std::uint64_t step) {
  const StepFields expected = make_fields(stream, step);
  EXPECT_EQ(columns.stamp[row], step);
  EXPECT_TRUE(observation_matches(stream, step, columns.observations + row * ReplayRing::kObservationBytes));
  EXPECT_EQ(columns.action[row], expected.action);
  EXPECT_EQ(columns.reward[row], expected.reward);
  EXPECT_EQ(columns.is_first[row], expected.is_first ? 1 : 0);
  EXPECT_EQ(columns.is_terminal[row], expected.is_terminal ? 1 : 0);
  EXPECT_EQ(columns.is_truncated[row], expected.is_truncated ? 1 : 0);
  EXPECT_EQ(columns.continues[row], expected.is_terminal ? 0.0f : 1.0f);
  EXPECT_EQ(columns.episode_id[row], expected.episode_id);
}

}  // namespace dreamer::replay::testing
