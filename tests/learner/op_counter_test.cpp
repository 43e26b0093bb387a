// OpCounter: exact leaf-operator counts for small computations whose
// operators are known from their definitions (one kernel per arithmetic
// operator, none for views and metadata).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <map>
#include <string>
#include <thread>

#include "learner/op_counter.hpp"

namespace dreamer::learner {
namespace {

std::map<std::string, int64_t> counts_of(const OpCounter& counter) {
  std::map<std::string, int64_t> result;
  for (const auto& [name, count] : counter.by_name()) result[name] = count;
  return result;
}

TEST(OpCounter, MulThenAddOnCpuTensorsIsTwoLeafOperators) {
  const auto a = torch::rand({3, 4});
  const auto b = torch::rand({3, 4});
  const auto c = torch::rand({3, 4});
  OpCounter counter;
  const auto result = a * b + c;
  EXPECT_EQ(counter.total(), 2);
  EXPECT_EQ(counts_of(counter), (std::map<std::string, int64_t>{{"aten::add", 1}, {"aten::mul", 1}}));
}

TEST(OpCounter, ArithmeticWithAHostScalarIsOneOperatorEach) {
  const auto a = torch::rand({3, 4});
  OpCounter counter;
  const auto result = a * 0.5 + 2.0;
  EXPECT_EQ(counts_of(counter), (std::map<std::string, int64_t>{{"aten::add", 1}, {"aten::mul", 1}}));
}

TEST(OpCounter, LinearForwardCountsItsMatrixProductNotTheLinearCall) {
  torch::nn::Linear linear(4, 3);
  const auto x = torch::rand({2, 4});
  OpCounter counter;
  const auto y = linear->forward(x);
  EXPECT_EQ(counter.total(), 1);
  EXPECT_EQ(counts_of(counter), (std::map<std::string, int64_t>{{"aten::addmm", 1}}));
}

TEST(OpCounter, ViewsMetadataAndNoOpConversionsCountNothing) {
  const auto x = torch::rand({4, 6});
  OpCounter counter;
  const auto views = {x.view({6, 4}),
                      x.reshape({24}),
                      x.t(),
                      x.transpose(0, 1),
                      x.select(0, 1),
                      x.slice(1, 0, 3),
                      x.unsqueeze(0),
                      x.expand({2, 4, 6}),
                      x.squeeze(),
                      x.detach(),
                      x.chunk(3, 1)[0],
                      x.flatten(),
                      x.to(torch::kFloat32),
                      x.contiguous(),
                      torch::empty({5})};
  EXPECT_EQ(views.size(), 15u);
  EXPECT_EQ(x.size(0) + x.numel(), 28);
  EXPECT_EQ(counter.total(), 0);
}

TEST(OpCounter, ConversionThatCopiesCountsItsCopy) {
  const auto x = torch::rand({4});
  OpCounter counter;
  const auto y = x.to(torch::kFloat64);
  EXPECT_EQ(counts_of(counter), (std::map<std::string, int64_t>{{"aten::copy_", 1}}));
}

TEST(OpCounter, BackwardCountsTheGradientOperators) {
  const auto a = torch::rand({3}, torch::requires_grad());
  const auto b = torch::rand({3}, torch::requires_grad());
  OpCounter counter;
  (a * b).sum().backward();
  // Forward: one mul, one sum. Backward: d/da = g * b and d/db = g * a.
  // The engine seeds the root gradient with ones (one fill_); sum's backward
  // is an expand (a view).
  EXPECT_EQ(counts_of(counter),
            (std::map<std::string, int64_t>{{"aten::fill_", 1}, {"aten::mul", 3}, {"aten::sum", 1}}));
}

TEST(OpCounter, CountsOperatorsOnOtherThreads) {
  const auto a = torch::rand({8});
  OpCounter counter;
  std::thread worker([&] { const auto b = a + a; });
  worker.join();
  EXPECT_EQ(counts_of(counter), (std::map<std::string, int64_t>{{"aten::add", 1}}));
}

TEST(OpCounter, StopsCountingWhenDestroyed) {
  const auto a = torch::rand({8});
  { OpCounter counter; }
  const auto uncounted = a * a;
  OpCounter counter;
  EXPECT_EQ(counter.total(), 0);
  const auto counted = a - a;
  EXPECT_EQ(counter.total(), 1);
}

TEST(OpCounter, ByNameIsLargestFirstAndHonoursTheLimit) {
  const auto a = torch::rand({8});
  OpCounter counter;
  const auto b = a * a * a * a;
  const auto c = b + b;
  const auto top = counter.by_name(1);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(top[0], (std::pair<std::string, int64_t>{"aten::mul", 3}));
  EXPECT_EQ(counter.total(), 4);
}

}  // namespace
}  // namespace dreamer::learner
