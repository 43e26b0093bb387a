// prepare_batch: batch-major input -> time-major model input. Row t already
// holds a_{t-1} (the replay's row convention): it is fed as is, zeroed where
// is_first, and index 0 counts as is_first.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "common/packed2.hpp"
#include "learner/training_batch.hpp"

namespace dreamer::learner {
namespace {

TEST(PrepareBatch, FeedsThePreviousActionZeroAtIsFirstAndTransposesToTimeMajor) {
  const int64_t batch = 2;
  const int64_t steps = 5;
  TrainingBatch input;
  input.obs = torch::zeros({batch, steps, packed2::kHeight, packed2::kBytesPerRow}, torch::kUInt8);
  input.obs[1][3][0][0] = 7;
  input.action = torch::tensor({3, 1, 4, 1, 5, 2, 6, 5, 3, 7}, torch::kInt64).view({batch, steps});
  input.reward = torch::arange(10, torch::kFloat32).view({batch, steps});
  input.is_first = torch::zeros({batch, steps}, torch::kBool);
  input.is_first[1][3] = true;  // env 1 resets at t = 3
  input.is_terminal = torch::zeros({batch, steps}, torch::kBool);
  input.is_terminal[1][2] = true;
  input.is_truncated = torch::zeros({batch, steps}, torch::kBool);

  const auto prepared = prepare_batch(input, 8, torch::kCPU);
  ASSERT_EQ(prepared.obs.sizes(), (std::vector<int64_t>{steps, batch, packed2::kHeight, packed2::kBytesPerRow}));
  EXPECT_EQ(prepared.obs[3][1][0][0].item<int>(), 7);
  EXPECT_EQ(prepared.reward[4][1].item<float>(), 9.0f);
  EXPECT_EQ(prepared.is_terminal[2][1].item<float>(), 1.0f);
  // Index 0 is is_first for every sequence; env 1 also at t = 3.
  EXPECT_EQ(prepared.is_first[0][0].item<float>(), 1.0f);
  EXPECT_EQ(prepared.is_first[0][1].item<float>(), 1.0f);
  EXPECT_EQ(prepared.is_first[3][1].item<float>(), 1.0f);
  EXPECT_EQ(prepared.is_first.sum().item<float>(), 3.0f);

  // Expected by hand: env 0 rows 3 1 4 1 5 -> -, 1, 4, 1, 5 (index 0 is a start);
  // env 1 rows 2 6 5 3 7 -> -, 6, 5, (reset), 7.
  const int expected[2][5] = {{-1, 1, 4, 1, 5}, {-1, 6, 5, -1, 7}};
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t t = 0; t < steps; ++t) {
      const auto row = prepared.action_prev[t][b];
      const int want = expected[b][t];
      if (want < 0) {
        EXPECT_EQ(row.sum().item<float>(), 0.0f) << "b " << b << " t " << t;
      } else {
        EXPECT_EQ(row.sum().item<float>(), 1.0f) << "b " << b << " t " << t;
        EXPECT_EQ(row[want].item<float>(), 1.0f) << "b " << b << " t " << t;
      }
    }
  }
}

}  // namespace
}  // namespace dreamer::learner
