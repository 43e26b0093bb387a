// Nearest-rank percentiles against ranks worked out by hand.
#include "common/percentile.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace dreamer {
namespace {

TEST(Percentile, EvenCountMedianIsTheUpperMiddleValue) {
  // Sorted 1 2 3 4: round(0.5 * 3) = round(1.5) = 2 -> 3.
  EXPECT_DOUBLE_EQ(percentile({4.0, 1.0, 3.0, 2.0}, 0.5), 3.0);
}

TEST(Percentile, EndsAreTheMinimumAndMaximum) {
  const std::vector<double> values = {7.0, -2.0, 5.0};
  EXPECT_DOUBLE_EQ(percentile(values, 0.0), -2.0);
  EXPECT_DOUBLE_EQ(percentile(values, 1.0), 7.0);
  EXPECT_DOUBLE_EQ(percentile({42.0}, 0.9), 42.0);
}

TEST(Percentile, TenthOfOneToTenRoundsItsRankHalfUp) {
  // round(0.1 * 9) = round(0.9) = 1 -> the second value; p90: round(8.1) = 8.
  std::vector<double> values;
  for (int v = 10; v >= 1; --v) values.push_back(v);
  EXPECT_DOUBLE_EQ(percentile(values, 0.1), 2.0);
  EXPECT_DOUBLE_EQ(percentile(values, 0.9), 9.0);
}

}  // namespace
}  // namespace dreamer
