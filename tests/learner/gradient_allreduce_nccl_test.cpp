// Started by ctest through mpirun -np 2 in CUDA builds; each rank drives one
// GPU (cuda:<rank>). Skips, saying so, with fewer than 2 GPUs: NCCL cannot
// place two ranks on one device.
#include <gtest/gtest.h>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <cstdio>
#include <vector>

#include "common/mpi/mpi_session.hpp"
#include "learner/gradient_allreduce.hpp"
#include "tests/common/mpi_world.hpp"

namespace dreamer::learner {
namespace {

constexpr int kBatch = 16;

torch::Device my_device() { return torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(test::world_rank())); }

class GradientAllReduceNccl : public ::testing::Test {
 protected:
  void SetUp() override {
    const int devices = static_cast<int>(torch::cuda::device_count());
    if (devices < 2) {
      GTEST_SKIP() << "needs 2 CUDA devices, found " << devices;
    }
    reducer_ = make_gradient_all_reducer(MPI_COMM_WORLD, my_device());
  }
  std::unique_ptr<GradientAllReducer> reducer_;
};

TEST_F(GradientAllReduceNccl, AveragedHalfBatchGradientsEqualTheFullBatchGradient_CUDA) {
  EXPECT_EQ(reducer_->backend(), AllReduceBackend::kNccl);
  EXPECT_EQ(reducer_->world_size(), 2);
  torch::manual_seed(7);
  torch::nn::Sequential model(torch::nn::Linear(6, 10), torch::nn::Tanh(), torch::nn::Linear(10, 3));
  model->to(my_device());
  torch::manual_seed(11);
  const torch::Tensor inputs = torch::randn({kBatch, 6}).to(my_device());
  const torch::Tensor targets = torch::randn({kBatch, 3}).to(my_device());

  model->zero_grad();
  torch::mse_loss(model->forward(inputs), targets).backward();
  std::vector<torch::Tensor> full;
  for (const torch::Tensor& p : model->parameters()) full.push_back(p.grad().clone());

  const int64_t begin = reducer_->rank() * (kBatch / 2);
  model->zero_grad();
  torch::mse_loss(model->forward(inputs.slice(0, begin, begin + kBatch / 2)),
                  targets.slice(0, begin, begin + kBatch / 2))
      .backward();
  reducer_->average_gradients(model->parameters());

  const std::vector<torch::Tensor> parameters = model->parameters();
  for (size_t i = 0; i < parameters.size(); ++i) {
    const double error = (parameters[i].grad() - full[i]).abs().max().item<double>();
    const double scale = full[i].abs().max().item<double>();
    EXPECT_LE(error, 1e-6 * scale) << "parameter " << i << " on rank " << reducer_->rank();
  }
  // Both GPUs hold bit-identical averaged gradients: their digests agree.
  const auto [low, high] = test::min_max_over_ranks(reducer_->digest().item<int64_t>());
  EXPECT_EQ(low, high);
}

TEST_F(GradientAllReduceNccl, DifferentGradientsAreAveraged_CUDA) {
  const auto options = torch::TensorOptions().device(my_device());
  const torch::Tensor weight = torch::zeros({3, 4}, options.requires_grad(true));
  const torch::Tensor half = torch::zeros({5}, options.dtype(torch::kBFloat16).requires_grad(true));
  weight.mutable_grad() = torch::full({3, 4}, 1.0 + reducer_->rank(), options);
  const AllReduceStats stats = reducer_->average_gradients({weight});
  EXPECT_TRUE(torch::equal(weight.grad().cpu(), torch::full({3, 4}, 1.5)));
  EXPECT_EQ(stats.bytes, (12 + 1) * 4);  // + one flag
  half.mutable_grad() = torch::full({5}, 2.0 + 2 * reducer_->rank(), options.dtype(torch::kBFloat16));
  reducer_->average_gradients({half});
  EXPECT_TRUE(torch::equal(half.grad().cpu(), torch::full({5}, 3.0, torch::kBFloat16)));
}

TEST_F(GradientAllReduceNccl, ReportsBusBandwidthOfALargeBuffer_CUDA) {
  const torch::Tensor big = torch::zeros({64 << 20}, torch::TensorOptions().device(my_device()).requires_grad(true));
  big.mutable_grad() = torch::ones({64 << 20}, torch::TensorOptions().device(my_device()));
  reducer_->average_gradients({big});  // warm-up
  const AllReduceStats stats = reducer_->average_gradients({big});
  EXPECT_EQ(stats.bytes, (int64_t{64 << 20} + 1) * 4);
  EXPECT_GT(stats.seconds, 0.0);
  if (reducer_->rank() == 0) {
    std::printf("NCCL all-reduce of %lld MiB over %d GPUs: %.3f ms, bus bandwidth %.1f GB/s\n",
                static_cast<long long>(stats.bytes >> 20), stats.world_size, stats.seconds * 1e3,
                stats.bus_bytes_per_second() / 1e9);
  }
}

}  // namespace
}  // namespace dreamer::learner

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  dreamer::MpiSession session;
  return RUN_ALL_TESTS();
}
