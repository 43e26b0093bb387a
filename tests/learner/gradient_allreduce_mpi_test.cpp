// Started by ctest through mpirun (-np 2 and -np 1); see CMakeLists.txt.
// Each TEST suite checks the world size it needs.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>
#include <vector>

#include "common/error.hpp"
#include "common/mpi/mpi_session.hpp"
#include "learner/gradient_allreduce.hpp"
#include "tests/common/mpi_world.hpp"

namespace dreamer::learner {
namespace {

constexpr int kBatch = 16;

torch::nn::Sequential make_model() {
  torch::manual_seed(7);
  return torch::nn::Sequential(torch::nn::Linear(6, 10), torch::nn::Tanh(), torch::nn::Linear(10, 3));
}

struct Batch {
  torch::Tensor inputs;
  torch::Tensor targets;
};

Batch make_batch() {
  torch::manual_seed(11);
  return Batch{torch::randn({kBatch, 6}), torch::randn({kBatch, 3})};
}

// Gradients of the mean squared error over rows [begin, end) of the batch.
std::vector<torch::Tensor> gradients_on_rows(torch::nn::Sequential& model, const Batch& batch, int64_t begin,
                                             int64_t end) {
  model->zero_grad();
  const torch::Tensor outputs = model->forward(batch.inputs.slice(0, begin, end));
  torch::mse_loss(outputs, batch.targets.slice(0, begin, end)).backward();
  std::vector<torch::Tensor> gradients;
  for (const torch::Tensor& parameter : model->parameters()) gradients.push_back(parameter.grad().clone());
  return gradients;
}

TEST(GradientAllReduceTwoRanks, AveragedHalfBatchGradientsEqualTheFullBatchGradient) {
  ASSERT_EQ(test::world_size(), 2) << "run with mpirun -np 2";
  auto reducer = make_gradient_all_reducer(MPI_COMM_WORLD, torch::kCPU);
  EXPECT_EQ(reducer->backend(), AllReduceBackend::kMpi);
  EXPECT_EQ(reducer->world_size(), 2);

  torch::nn::Sequential model = make_model();
  const Batch batch = make_batch();
  const std::vector<torch::Tensor> full = gradients_on_rows(model, batch, 0, kBatch);

  const int64_t half = kBatch / 2;
  const int64_t begin = reducer->rank() * half;
  const std::vector<torch::Tensor> local = gradients_on_rows(model, batch, begin, begin + half);
  // Not vacuous: the local half-batch gradient differs from the full one.
  ASSERT_GT((local[0] - full[0]).abs().max().item<double>(), 1e-3 * full[0].abs().max().item<double>());
  const AllReduceStats stats = reducer->average_gradients(model->parameters());

  int64_t elements = 0;
  const std::vector<torch::Tensor> parameters = model->parameters();
  for (size_t i = 0; i < parameters.size(); ++i) {
    elements += parameters[i].numel();
    const torch::Tensor& reduced = parameters[i].grad();
    const double error = (reduced - full[i]).abs().max().item<double>();
    const double scale = full[i].abs().max().item<double>();
    EXPECT_LE(error, 1e-6 * scale) << "parameter " << i << " on rank " << reducer->rank();
  }
  EXPECT_EQ(stats.bytes, (elements + static_cast<int64_t>(parameters.size())) * 4);  // + one flag each
  EXPECT_EQ(stats.world_size, 2);
  EXPECT_GE(stats.seconds, 0.0);
}

TEST(GradientAllReduceTwoRanks, DifferentAndMissingGradientsAreAveraged) {
  ASSERT_EQ(test::world_size(), 2) << "run with mpirun -np 2";
  auto reducer = make_gradient_all_reducer(MPI_COMM_WORLD, torch::kCPU);
  const int rank = reducer->rank();
  const torch::Tensor weight = torch::zeros({3, 4}, torch::requires_grad());
  const torch::Tensor bias = torch::zeros({4}, torch::requires_grad());
  const torch::Tensor used_on_rank_0 = torch::zeros({2}, torch::requires_grad());
  const torch::Tensor unused = torch::ones({2}, torch::requires_grad());
  // Twice, to use the kept buffer again.
  for (int call = 0; call < 2; ++call) {
    weight.mutable_grad() = torch::full({3, 4}, 1.0 + rank);    // 1 and 2
    bias.mutable_grad() = torch::full({4}, 10.0 * (1 + rank));  // 10 and 20
    used_on_rank_0.mutable_grad() = rank == 0 ? torch::full({2}, 4.0) : torch::Tensor();
    unused.mutable_grad() = torch::Tensor();
    reducer->average_gradients({weight, bias, used_on_rank_0, unused});
    EXPECT_TRUE(torch::equal(weight.grad(), torch::full({3, 4}, 1.5)));
    EXPECT_TRUE(torch::equal(bias.grad(), torch::full({4}, 15.0)));
    ASSERT_TRUE(used_on_rank_0.grad().defined()) << "rank " << rank;
    EXPECT_TRUE(torch::equal(used_on_rank_0.grad(), torch::full({2}, 2.0))) << "rank " << rank;
    EXPECT_FALSE(unused.grad().defined()) << "a gradient no rank has must stay missing";
  }
  // Both ranks applied the same averaged gradients: their digests agree.
  const auto [low, high] = test::min_max_over_ranks(reducer->digest().item<int64_t>());
  EXPECT_EQ(low, high);
}

TEST(AllReduceStats, BusBandwidthFollowsTheNcclTestsFormula) {
  const AllReduceStats stats{.bytes = 1000, .seconds = 0.5, .world_size = 4};
  EXPECT_DOUBLE_EQ(stats.bus_bytes_per_second(), 1000 / 0.5 * 2 * 3 / 4);
  EXPECT_EQ(AllReduceStats{}.bus_bytes_per_second(), 0.0);
}

TEST(GradientAllReduceOneRank, ReducerIsTheIdentity) {
  ASSERT_EQ(test::world_size(), 1) << "run with mpirun -np 1";
  auto reducer = make_gradient_all_reducer(MPI_COMM_WORLD, torch::kCPU);
  torch::nn::Sequential model = make_model();
  const std::vector<torch::Tensor> before = gradients_on_rows(model, make_batch(), 0, kBatch);
  reducer->average_gradients(model->parameters());
  const std::vector<torch::Tensor> parameters = model->parameters();
  for (size_t i = 0; i < parameters.size(); ++i) {
    EXPECT_TRUE(torch::equal(parameters[i].grad(), before[i])) << "parameter " << i;
  }
}

TEST(GradientAllReduceOneRank, DigestChainsEveryCallAndSeesOneFlippedBit) {
  const auto digest_after = [](const std::vector<float>& values, int calls) {
    auto reducer = make_gradient_all_reducer(MPI_COMM_WORLD, torch::kCPU);
    const torch::Tensor weight = torch::zeros({static_cast<int64_t>(values.size())}, torch::requires_grad());
    for (int call = 0; call < calls; ++call) {
      weight.mutable_grad() = torch::tensor(values);
      reducer->average_gradients({weight});
    }
    return reducer->digest().item<int64_t>();
  };
  const std::vector<float> values = {0.5f, -2.0f, 3.25f};
  std::vector<float> flipped = values;
  flipped[1] = std::nextafter(flipped[1], 0.0f);  // one ulp: the lowest mantissa bit
  EXPECT_EQ(digest_after(values, 2), digest_after(values, 2));
  EXPECT_NE(digest_after(values, 1), digest_after(flipped, 1));
  EXPECT_NE(digest_after(values, 1), digest_after(values, 2)) << "the digest must cover every call";
}

TEST(GradientAllReduceOneRank, MixedGradientDtypesAreRefused) {
  auto reducer = make_gradient_all_reducer(MPI_COMM_WORLD, torch::kCPU);
  const torch::Tensor single = torch::zeros({2}, torch::requires_grad());
  const torch::Tensor twice = torch::zeros({2}, torch::dtype(torch::kDouble).requires_grad(true));
  single.mutable_grad() = torch::ones({2});
  twice.mutable_grad() = torch::ones({2}, torch::kDouble);
  EXPECT_THROW(reducer->average_gradients({single, twice}), Error);
}

}  // namespace
}  // namespace dreamer::learner

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  torch::set_num_threads(1);
  dreamer::MpiSession session;
  return RUN_ALL_TESTS();
}
