// Lambda-returns against a float64 reference recursion written here, a
// hand-worked two-step case, and the lambda = 0 / 1 closed forms.
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "learner/lambda_returns.hpp"

namespace dreamer::learner {
namespace {

// Independent reference: forward-view definition
//   R_t = sum_{n>=1} (1-lambda) lambda^{n-1} G_t^{(n)} (+ lambda^{H-t-1} G_t^{(H-t)} tail),
// with n-step returns G_t^{(n)} = sum_{k=1..n} D_{t,k-1} r_{t+k} + D_{t,n} v_{t+n},
// D_{t,k} = prod_{j=1..k} gamma c_{t+j}.
double forward_view_return(const std::vector<double>& r, const std::vector<double>& v, const std::vector<double>& c,
                           double gamma, double lambda, int t) {
  const int horizon = static_cast<int>(r.size()) - 1;
  const int max_n = horizon - t;
  auto n_step = [&](int n) {
    double total = 0.0;
    double discount = 1.0;
    for (int k = 1; k <= n; ++k) {
      total += discount * r[static_cast<size_t>(t + k)];
      discount *= gamma * c[static_cast<size_t>(t + k)];
    }
    // discount here is D_{t,n} = prod_{j=1..n} gamma c_{t+j}
    return total + discount * v[static_cast<size_t>(t + n)];
  };
  double result = 0.0;
  double weight = 1.0;
  for (int n = 1; n < max_n; ++n) {
    result += (1.0 - lambda) * weight * n_step(n);
    weight *= lambda;
  }
  return result + weight * n_step(max_n);
}

TEST(LambdaReturns, MatchFloat64ForwardViewReference) {
  torch::manual_seed(11);
  const int horizon = 15;
  const int n = 6;
  const auto rewards = torch::randn({horizon + 1, n}, torch::kFloat64);
  const auto values = torch::randn({horizon + 1, n}, torch::kFloat64) * 3.0;
  const auto continues = (torch::rand({horizon + 1, n}, torch::kFloat64) > 0.2).to(torch::kFloat64);
  const double gamma = 0.997;
  const double lambda = 0.95;
  const auto returns = lambda_returns(rewards, values, continues, gamma, lambda);
  ASSERT_EQ(returns.sizes(), (std::vector<int64_t>{horizon, n}));
  for (int j = 0; j < n; ++j) {
    std::vector<double> r, v, c;
    for (int t = 0; t <= horizon; ++t) {
      r.push_back(rewards[t][j].item<double>());
      v.push_back(values[t][j].item<double>());
      c.push_back(continues[t][j].item<double>());
    }
    for (int t = 0; t < horizon; ++t) {
      EXPECT_NEAR(returns[t][j].item<double>(), forward_view_return(r, v, c, gamma, lambda, t), 1e-9)
          << "t " << t << " env " << j;
    }
  }
}

TEST(LambdaReturns, HandWorkedTwoStepCase) {
  // r = (-, 1, 2), v = (0, 10, 20), c = (-, 1, 0.5), gamma 0.9, lambda 0.5:
  // R_1 = r_2 + 0.9 * 0.5 * v_2 = 2 + 9 = 11
  // R_0 = r_1 + 0.9 * 1 * (0.5 * v_1 + 0.5 * R_1) = 1 + 0.9 * 10.5 = 10.45
  const auto r = torch::tensor({0.0, 1.0, 2.0}, torch::kFloat64).unsqueeze(1);
  const auto v = torch::tensor({0.0, 10.0, 20.0}, torch::kFloat64).unsqueeze(1);
  const auto c = torch::tensor({1.0, 1.0, 0.5}, torch::kFloat64).unsqueeze(1);
  const auto returns = lambda_returns(r, v, c, 0.9, 0.5);
  EXPECT_NEAR(returns[0][0].item<double>(), 10.45, 1e-12);
  EXPECT_NEAR(returns[1][0].item<double>(), 11.0, 1e-12);
}

TEST(LambdaReturns, LambdaZeroIsOneStepTdAndLambdaOneIsDiscountedSum) {
  const auto r = torch::tensor({0.0, 1.0, 2.0, 3.0}, torch::kFloat64).unsqueeze(1);
  const auto v = torch::tensor({5.0, 6.0, 7.0, 8.0}, torch::kFloat64).unsqueeze(1);
  const auto c = torch::tensor({1.0, 1.0, 1.0, 1.0}, torch::kFloat64).unsqueeze(1);
  const double g = 0.5;
  const auto td = lambda_returns(r, v, c, g, 0.0);
  EXPECT_NEAR(td[0][0].item<double>(), 1.0 + g * 6.0, 1e-12);
  EXPECT_NEAR(td[2][0].item<double>(), 3.0 + g * 8.0, 1e-12);
  const auto mc = lambda_returns(r, v, c, g, 1.0);
  EXPECT_NEAR(mc[0][0].item<double>(), 1.0 + g * 2.0 + g * g * 3.0 + g * g * g * 8.0, 1e-12);
}

}  // namespace
}  // namespace dreamer::learner
