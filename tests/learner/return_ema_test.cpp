// ReturnEMA against a hand computation.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "learner/return_ema.hpp"

namespace dreamer::learner {
namespace {

TEST(ReturnEma, TracksFifthAndNinetyFifthPercentilesWithDecay) {
  ReturnEma ema(ReturnEmaOptions{});
  // 0, 1, ..., 100 (shuffled): quantile 0.05 = 5, quantile 0.95 = 95.
  const auto returns = torch::randperm(101, torch::kInt64).to(torch::kFloat32).view({1, 101});
  const auto q = ema->quantiles(returns);
  EXPECT_NEAR(q[0].item<double>(), 5.0, 1e-5);
  EXPECT_NEAR(q[1].item<double>(), 95.0, 1e-5);
  ema->update(q);
  // low = 0.99 * 0 + 0.01 * 5, high = 0.01 * 95, scale = max(1, 0.9) = 1.
  EXPECT_NEAR(ema->low().item<double>(), 0.05, 1e-6);
  EXPECT_NEAR(ema->high().item<double>(), 0.95, 1e-6);
  EXPECT_NEAR(ema->scale().item<double>(), 1.0, 1e-7);
  ema->update(q);
  // low = 0.99 * 0.05 + 0.05 = 0.0995, high = 0.99 * 0.95 + 0.95 = 1.8905.
  EXPECT_NEAR(ema->low().item<double>(), 0.0995, 1e-6);
  EXPECT_NEAR(ema->high().item<double>(), 1.8905, 1e-6);
  EXPECT_NEAR(ema->scale().item<double>(), 1.8905 - 0.0995, 1e-6);
}

TEST(ReturnEma, InterpolatesQuantilesLinearlyBetweenSamples) {
  ReturnEma ema(ReturnEmaOptions{});
  // Sorted (0, 10, 20, 30, 40): position 0.05 * 4 = 0.2 -> 2; 0.95 * 4 = 3.8 -> 38.
  const auto q = ema->quantiles(torch::tensor({40.0f, 0.0f, 20.0f, 10.0f, 30.0f}));
  EXPECT_NEAR(q[0].item<double>(), 2.0, 1e-5);
  EXPECT_NEAR(q[1].item<double>(), 38.0, 1e-5);
}

TEST(ReturnEma, KeepsItsStateInNamedBuffers) {
  ReturnEma ema(ReturnEmaOptions{});
  const auto buffers = ema->named_buffers();
  EXPECT_TRUE(buffers.contains("low"));
  EXPECT_TRUE(buffers.contains("high"));
}

}  // namespace
}  // namespace dreamer::learner
