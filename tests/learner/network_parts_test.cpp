// The LayerNorm GRU cell and global-norm gradient clipping against values
// worked out here from their definitions (DREAMER_FACTS.md), and the
// categorical sample without autograd.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "learner/categorical.hpp"
#include "learner/gradient_clip.hpp"
#include "learner/layer_norm_gru.hpp"

namespace dreamer::learner {
namespace {

// g = LN(W [h; x]) split into reset, candidate, update;
// h' = sigmoid(u - 1) * tanh(sigmoid(r) * c) + (1 - sigmoid(u - 1)) * h,
// written out element by element in double.
TEST(LayerNormGru, NextStateFollowsTheGatedUpdateOfTheDefinition) {
  torch::manual_seed(4);
  LayerNormGru gru(LayerNormGruOptions{/*input_size=*/3, /*hidden_size=*/2, /*layer_norm_eps=*/1e-3});
  const auto x = torch::randn({1, 3});
  const auto h = torch::randn({1, 2});
  const auto got = gru->forward(x, h);

  const auto w = gru->named_parameters()["linear.weight"].to(torch::kFloat64);  // [6, 5]
  const auto gamma = gru->named_parameters()["norm.weight"].to(torch::kFloat64);
  const auto beta = gru->named_parameters()["norm.bias"].to(torch::kFloat64);
  const std::vector<double> input = {h[0][0].item<double>(), h[0][1].item<double>(), x[0][0].item<double>(),
                                     x[0][1].item<double>(), x[0][2].item<double>()};
  std::vector<double> g(6, 0.0);
  for (int i = 0; i < 6; ++i)
    for (int j = 0; j < 5; ++j) g[i] += w[i][j].item<double>() * input[j];
  double mean = 0.0, var = 0.0;
  for (double v : g) mean += v / 6.0;
  for (double v : g) var += (v - mean) * (v - mean) / 6.0;
  for (int i = 0; i < 6; ++i)
    g[i] = (g[i] - mean) / std::sqrt(var + 1e-3) * gamma[i].item<double>() + beta[i].item<double>();
  const auto sigmoid = [](double v) { return 1.0 / (1.0 + std::exp(-v)); };
  for (int k = 0; k < 2; ++k) {
    const double reset = sigmoid(g[k]);
    const double candidate = std::tanh(reset * g[2 + k]);
    const double update = sigmoid(g[4 + k] - 1.0);
    const double expected = update * candidate + (1.0 - update) * input[k];
    EXPECT_NEAR(got[0][k].item<double>(), expected, 1e-5) << "unit " << k;
  }
}

TEST(LayerNormGru, GradientReachesTheInputTheStateAndTheWeights) {
  torch::manual_seed(5);
  LayerNormGru gru(LayerNormGruOptions{/*input_size=*/3, /*hidden_size=*/4, /*layer_norm_eps=*/1e-3});
  const auto x = torch::randn({2, 3}, torch::requires_grad());
  const auto h = torch::randn({2, 4}, torch::requires_grad());
  gru->forward(x, h).square().sum().backward();
  EXPECT_GT(x.grad().abs().sum().item<double>(), 0.0);
  EXPECT_GT(h.grad().abs().sum().item<double>(), 0.0);
  for (const auto& parameter : gru->parameters()) EXPECT_GT(parameter.grad().abs().sum().item<double>(), 0.0);
}

// Gradients (3, 4) and (12): global norm 13; with max_norm 6.5 each is halved.
TEST(ClipGradientNorm, ScalesEveryGradientByMaxNormOverTheGlobalNorm) {
  std::vector<torch::Tensor> grads = {torch::tensor({3.0f, 4.0f}), torch::tensor({12.0f})};
  const auto norm = clip_gradient_norm(grads, 6.5);
  EXPECT_NEAR(norm.item<double>(), 13.0, 1e-5);
  const double factor = 6.5 / (13.0 + 1e-6);
  EXPECT_NEAR(grads[0][0].item<double>(), 3.0 * factor, 1e-5);
  EXPECT_NEAR(grads[0][1].item<double>(), 4.0 * factor, 1e-5);
  EXPECT_NEAR(grads[1][0].item<double>(), 12.0 * factor, 1e-5);
}

TEST(ClipGradientNorm, LeavesGradientsUnderTheLimitUnchanged) {
  std::vector<torch::Tensor> grads = {torch::tensor({3.0f, 4.0f}), torch::tensor({12.0f})};
  const auto norm = clip_gradient_norm(grads, 100.0);
  EXPECT_NEAR(norm.item<double>(), 13.0, 1e-5);
  EXPECT_TRUE(torch::equal(grads[0], torch::tensor({3.0f, 4.0f})));
  EXPECT_TRUE(torch::equal(grads[1], torch::tensor({12.0f})));
}

TEST(StraightThroughSample, WithoutAutogradIsAnExactOneHot) {
  torch::manual_seed(6);
  const auto probs = unimix_probs(torch::randn({16, 32, 32}), 0.01);
  torch::NoGradGuard no_grad;
  const auto sample = straight_through_sample(probs);
  EXPECT_TRUE(torch::equal(sample, sample.round())) << "entries other than 0 and 1";
  EXPECT_TRUE(torch::equal(sample.sum(-1), torch::ones({16, 32})));
}

}  // namespace
}  // namespace dreamer::learner
