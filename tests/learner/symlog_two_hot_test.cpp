// symlog/symexp against closed forms; two-hot bins, weights, log-prob and
// mean against hand-worked values.
#include <cmath>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "learner/symlog.hpp"
#include "learner/two_hot.hpp"

namespace dreamer::learner {
namespace {

constexpr double kBinWidth = 40.0 / 254.0;

double bin(int i) { return -20.0 + kBinWidth * i; }

TEST(Symlog, MatchesSignTimesLogOnePlusAbs) {
  const std::vector<double> xs = {-1000.0, -10.0, -1.0, -0.25, 0.0, 0.5, 3.0, 1e4};
  const auto x = torch::tensor(xs, torch::kFloat64);
  const auto y = symlog(x);
  for (size_t i = 0; i < xs.size(); ++i) {
    const double sign = xs[i] > 0 ? 1.0 : (xs[i] < 0 ? -1.0 : 0.0);
    const double expected = sign * std::log(1.0 + std::fabs(xs[i]));
    EXPECT_NEAR(y[static_cast<int64_t>(i)].item<double>(), expected, 1e-12) << xs[i];
  }
}

TEST(Symlog, SymexpMatchesClosedFormAndInvertsSymlog) {
  const std::vector<double> xs = {-7.0, -1.5, 0.0, 0.3, 2.0, 9.0};
  const auto x = torch::tensor(xs, torch::kFloat64);
  const auto y = symexp(x);
  for (size_t i = 0; i < xs.size(); ++i) {
    const double sign = xs[i] > 0 ? 1.0 : (xs[i] < 0 ? -1.0 : 0.0);
    EXPECT_NEAR(y[static_cast<int64_t>(i)].item<double>(), sign * (std::exp(std::fabs(xs[i])) - 1.0),
                1e-9 * std::exp(std::fabs(xs[i])));
  }
  const auto round_trip = symexp(symlog(torch::tensor({-123.0, -0.5, 0.0, 42.0}, torch::kFloat64)));
  EXPECT_TRUE(torch::allclose(round_trip, torch::tensor({-123.0, -0.5, 0.0, 42.0}, torch::kFloat64)));
}

TEST(TwoHotBins, AreExactlyTheFp32SymlogSpaceLinspace) {
  const auto bins = make_two_hot_bins(torch::kCPU);
  ASSERT_EQ(bins.scalar_type(), torch::kFloat32);
  ASSERT_EQ(bins.size(0), 255);
  EXPECT_TRUE(torch::equal(bins, torch::linspace(-20.0, 20.0, 255, torch::kFloat32)));
  for (int i = 0; i < 255; ++i) EXPECT_NEAR(bins[i].item<double>(), bin(i), 2e-6) << i;
  EXPECT_EQ(bins[0].item<float>(), -20.0f);
  // torch's linspace fills from both ends, so the middle bin is 7.45e-8,
  // not exactly 0.
  EXPECT_NEAR(bins[127].item<float>(), 0.0f, 1e-7);
  EXPECT_EQ(bins[254].item<float>(), 20.0f);
}

struct TwoHotCase {
  double symlog_value;
  int low_bin;
  double low_weight;
  int high_bin;
  double high_weight;
};

TEST(TwoHotEncode, SplitsWeightLinearlyBetweenNeighbourBinsAndClampsAtTheEnds) {
  const auto bins = make_two_hot_bins(torch::kCPU);
  const std::vector<TwoHotCase> cases = {
      {0.0, 127, 1.0, 127, 0.0},  // exactly on a bin
      {bin(127) + 0.25 * kBinWidth, 127, 0.75, 128, 0.25},
      {bin(10) + 0.6 * kBinWidth, 10, 0.4, 11, 0.6},
      {bin(200) + 0.5 * kBinWidth, 200, 0.5, 201, 0.5},
      {-25.0, 0, 1.0, 0, 0.0},  // below the first bin
      {-20.0, 0, 1.0, 0, 0.0},
      {20.0, 254, 1.0, 254, 0.0},
      {31.0, 254, 1.0, 254, 0.0},  // above the last bin
  };
  std::vector<double> values;
  for (const auto& c : cases) values.push_back(c.symlog_value);
  const auto weights = two_hot_encode(torch::tensor(values, torch::kFloat32), bins);
  ASSERT_EQ(weights.sizes(), (std::vector<int64_t>{static_cast<int64_t>(cases.size()), 255}));
  for (size_t k = 0; k < cases.size(); ++k) {
    const auto row = weights[static_cast<int64_t>(k)];
    std::vector<double> expected(255, 0.0);
    expected[static_cast<size_t>(cases[k].low_bin)] += cases[k].low_weight;
    expected[static_cast<size_t>(cases[k].high_bin)] += cases[k].high_weight;
    for (int i = 0; i < 255; ++i) {
      EXPECT_NEAR(row[i].item<double>(), expected[static_cast<size_t>(i)], 2e-5) << "case " << k << " bin " << i;
    }
  }
}

// A NaN target must not become a finite target (e.g. the last bin): the
// losses it feeds have to turn NaN for the update guard to stop the run.
TEST(TwoHotEncode, ANanValueGivesNanWeightsAndTheFiniteRowsStayFinite) {
  const auto bins = make_two_hot_bins(torch::kCPU);
  const auto weights = two_hot_encode(torch::tensor({0.5f, std::nanf(""), -3.0f}), bins);
  EXPECT_TRUE(torch::isnan(weights[1]).any().item<bool>()) << "a NaN value got finite weights";
  EXPECT_TRUE(torch::isfinite(weights[0]).all().item<bool>());
  EXPECT_TRUE(torch::isfinite(weights[2]).all().item<bool>());
  EXPECT_NEAR(weights[0].sum().item<double>(), 1.0, 1e-6);
}

TEST(TwoHotLogProb, IsTheTwoHotWeightedLogSoftmaxOfTheSymlogTarget) {
  const auto bins = make_two_hot_bins(torch::kCPU);
  // logits 0 everywhere except ln 2 at bin 128: softmax = 1/256, bin 128: 2/256.
  auto logits = torch::zeros({255});
  logits[128] = std::log(2.0);
  const double target_symlog = bin(127) + 0.25 * kBinWidth;
  const double raw = std::expm1(target_symlog);  // symexp of a positive value
  const auto log_prob = two_hot_log_prob(logits.unsqueeze(0), torch::tensor({raw}, torch::kFloat32), bins);
  const double expected = 0.75 * -std::log(256.0) + 0.25 * (std::log(2.0) - std::log(256.0));
  EXPECT_NEAR(log_prob[0].item<double>(), expected, 1e-5);

  // Uniform logits: every in-range target has log-prob -ln 255.
  const auto uniform = two_hot_log_prob(torch::zeros({3, 255}), torch::tensor({-3.0f, 0.0f, 1e6f}), bins);
  for (int i = 0; i < 3; ++i) EXPECT_NEAR(uniform[i].item<double>(), -std::log(255.0), 1e-5);
}

TEST(TwoHotMean, IsSymexpOfTheExpectedBin) {
  const auto bins = make_two_hot_bins(torch::kCPU);
  auto logits = torch::full({255}, -1e4);
  logits[127] = 0.0;
  logits[128] = 0.0;
  EXPECT_NEAR(two_hot_mean(logits, bins).item<double>(), std::expm1(0.5 * kBinWidth), 1e-6);
  auto one_bin = torch::full({255}, -1e4);
  one_bin[60] = 0.0;
  EXPECT_NEAR(two_hot_mean(one_bin, bins).item<double>(), -std::expm1(-bin(60)), 1e-4 * std::exp(-bin(60)));
  EXPECT_NEAR(two_hot_mean(torch::zeros({255}), bins).item<double>(), 0.0, 1e-5);
}

}  // namespace
}  // namespace dreamer::learner
