// Unimix probabilities, straight-through samples, entropy and KL of known
// categoricals, and the free-bits KL loss.
#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "learner/categorical.hpp"
#include "learner/kl_loss.hpp"

namespace dreamer::learner {
namespace {

TEST(Unimix, MixesOnePercentUniformIntoTheSoftmax) {
  // softmax(0, 0, 0, ln 5) = (1/8, 1/8, 1/8, 5/8).
  const auto logits = torch::tensor({0.0, 0.0, 0.0, std::log(5.0)}, torch::kFloat32);
  const auto probs = unimix_probs(logits, 0.01);
  const double expected[] = {0.99 / 8 + 0.0025, 0.99 / 8 + 0.0025, 0.99 / 8 + 0.0025, 0.99 * 5 / 8 + 0.0025};
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(probs[i].item<double>(), expected[i], 1e-7);
  // A hopeless class keeps at least unimix / K.
  const auto extreme = unimix_probs(torch::tensor({-1e9f, 0.0f}), 0.01);
  EXPECT_NEAR(extreme[0].item<double>(), 0.005, 1e-9);
  EXPECT_NEAR(extreme[1].item<double>(), 0.995, 1e-7);
}

TEST(Categorical, EntropyOfUniform32x32Is32Ln32) {
  const auto probs = torch::full({32, 32}, 1.0 / 32.0, torch::kFloat64);
  EXPECT_NEAR(categorical_entropy(probs).sum().item<double>(), 32.0 * std::log(32.0), 1e-9);
  // A one-hot has zero entropy (no NaN from 0 * ln 0).
  const auto one_hot = torch::tensor({0.0, 1.0, 0.0}, torch::kFloat64);
  EXPECT_EQ(categorical_entropy(one_hot).item<double>(), 0.0);
}

TEST(Categorical, KlOfKnownDistributions) {
  const auto p = torch::tensor({0.5, 0.5}, torch::kFloat64);
  const auto q = torch::tensor({0.25, 0.75}, torch::kFloat64);
  const double expected = 0.5 * std::log(0.5 / 0.25) + 0.5 * std::log(0.5 / 0.75);
  EXPECT_NEAR(categorical_kl(p, q).item<double>(), expected, 1e-12);
  EXPECT_NEAR(categorical_kl(p, p).item<double>(), 0.0, 1e-15);
}

TEST(StraightThroughSample, IsOneHotForwardAndPassesProbabilityGradients) {
  torch::manual_seed(3);
  const auto logits = torch::randn({64, 32, 32}, torch::requires_grad());
  const auto probs = unimix_probs(logits, 0.01);
  const auto sample = straight_through_sample(probs);
  const auto rounded = sample.detach().round();
  EXPECT_TRUE(torch::allclose(sample.detach(), rounded, 0.0, 1e-6));
  EXPECT_TRUE(torch::equal(rounded.sum(-1), torch::ones({64, 32})));
  const auto weights = torch::randn({32});
  const auto grad_sample = torch::autograd::grad({(sample * weights).sum()}, {logits}, {}, /*retain_graph=*/true)[0];
  const auto grad_probs = torch::autograd::grad({(probs * weights).sum()}, {logits})[0];
  EXPECT_TRUE(torch::allclose(grad_sample, grad_probs, 1e-6, 1e-7));
}

TEST(StraightThroughSample, DrawsClassesWithTheGivenProbabilities) {
  torch::manual_seed(5);
  const auto probs = torch::tensor({0.1, 0.2, 0.7}, torch::kFloat32).expand({20000, 3});
  const auto frequency = straight_through_sample(probs).detach().mean(0);
  EXPECT_NEAR(frequency[0].item<double>(), 0.1, 0.01);
  EXPECT_NEAR(frequency[1].item<double>(), 0.2, 0.01);
  EXPECT_NEAR(frequency[2].item<double>(), 0.7, 0.01);
}

TEST(KlLoss, ClampsEachElementAtTheFreeBitsAndCountsTheClampedShare) {
  // Three (t, b) elements with 2 variables x 2 classes each.
  //  0: post == prior             -> KL 0          (clamped to 1)
  //  1: (0.5,0.5) vs (0.25,0.75)  -> KL 2 * k1     (k1 = 0.1308, clamped)
  //  2: (0.99,0.01) vs (0.01,0.99) -> KL 2 * 0.98 ln 99 = 9.006 (not clamped)
  const double k1 = 0.5 * std::log(2.0) + 0.5 * std::log(0.5 / 0.75);
  const double k2 = 0.98 * std::log(99.0);
  const auto post =
      torch::tensor({0.3, 0.7, 0.3, 0.7, 0.5, 0.5, 0.5, 0.5, 0.99, 0.01, 0.99, 0.01}, torch::kFloat64).view({3, 2, 2});
  const auto prior =
      torch::tensor({0.3, 0.7, 0.3, 0.7, 0.25, 0.75, 0.25, 0.75, 0.01, 0.99, 0.01, 0.99}, torch::kFloat64)
          .view({3, 2, 2});
  const auto result = kl_loss(post, prior, KlLossOptions{0.5, 0.1, 1.0});
  EXPECT_NEAR(result.kl[0].item<double>(), 0.0, 1e-12);
  EXPECT_NEAR(result.kl[1].item<double>(), 2 * k1, 1e-12);
  EXPECT_NEAR(result.kl[2].item<double>(), 2 * k2, 1e-12);
  EXPECT_NEAR(result.loss[0].item<double>(), 0.6, 1e-12);
  EXPECT_NEAR(result.loss[1].item<double>(), 0.6, 1e-12);
  EXPECT_NEAR(result.loss[2].item<double>(), 0.6 * 2 * k2, 1e-9);
  EXPECT_NEAR(result.free_bits_applied.item<double>(), 2.0 / 3.0, 1e-7);
}

TEST(KlLoss, DynamicsTermTrainsOnlyThePriorAndRepresentationTermOnlyThePosterior) {
  torch::manual_seed(7);
  const auto post_logits = torch::randn({5, 4, 4}, torch::requires_grad());
  const auto prior_logits = torch::randn({5, 4, 4}, torch::requires_grad());
  const auto post = unimix_probs(post_logits, 0.01);
  const auto prior = unimix_probs(prior_logits, 0.01);
  const auto dyn_only = kl_loss(post, prior, KlLossOptions{1.0, 0.0, 0.0}).loss.sum();
  const auto grads = torch::autograd::grad({dyn_only}, {post_logits, prior_logits}, {}, true, false, true);
  EXPECT_FALSE(grads[0].defined() && grads[0].abs().sum().item<double>() > 0.0);
  EXPECT_GT(grads[1].abs().sum().item<double>(), 0.0);
  const auto rep_only = kl_loss(post, prior, KlLossOptions{0.0, 1.0, 0.0}).loss.sum();
  const auto rep_grads = torch::autograd::grad({rep_only}, {post_logits, prior_logits}, {}, false, false, true);
  EXPECT_GT(rep_grads[0].abs().sum().item<double>(), 0.0);
  EXPECT_FALSE(rep_grads[1].defined() && rep_grads[1].abs().sum().item<double>() > 0.0);
}

}  // namespace
}  // namespace dreamer::learner
