// DreamerAgent with train.cuda_graphs (and train.fused_adam) on the tiny
// preset: graph replays give the parameters of eager updates; counters,
// metrics, Adam step counters and the slow critic advance on every replay;
// hooks still act between the graphs; a checkpoint restore makes the agent
// bind and capture again. On CPU both options change nothing.
#include <ATen/Context.h>
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "learner/checkpoint.hpp"
#include "learner/dreamer_agent.hpp"
#include "synthetic_batch.hpp"

namespace dreamer::learner {
namespace {

namespace fs = std::filesystem;

// 3 eager warm-up updates, the capturing update, then 4 pure replays.
constexpr int kUpdates = kGraphWarmupUpdates + 5;

// Graphs replay the kernels of an eager update with the same random numbers
// (the default CUDA generator is registered with every graph), and cuDNN is
// made deterministic below, so parameters should agree bit for bit. 1e-6 is
// 1% of one Adam step at the model's learning rate (1e-4): room for
// last-bit differences, while any real fault (a stale input, a step lost or
// doubled, stale optimizer state) moves parameters by about a whole step.
constexpr double kReplayTolerance = 1e-6;

constexpr const char* kNoCuda = "no CUDA device: CUDA graph tests run on the GPU machine";

struct RunResult {
  std::vector<torch::Tensor> state;
  torch::Tensor last_metrics;
};

class AgentGraphsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    at::globalContext().setDeterministicCuDNN(true);
    at::globalContext().setBenchmarkCuDNN(false);
    options_ = DreamerOptions::preset("tiny");
  }
  TrainingBatch batch(int index) const {
    return testing::moving_block_batch(options_.train.batch_size, options_.train.seq_len,
                                       100 + static_cast<std::uint32_t>(index));
  }
  DreamerOptions with(bool cuda_graphs, bool fused_adam, bool bf16 = false) const {
    DreamerOptions options = options_;
    options.train.cuda_graphs = cuda_graphs;
    options.train.fused_adam = fused_adam;
    options.train.autocast_bf16 = bf16;
    return options;
  }
  // kUpdates updates from seed 42 on batches 0, 1, ...
  RunResult run(const DreamerOptions& options, torch::Device device) const;
  DreamerOptions options_;
};

// Parameters and buffers of every module, then every Adam moment, on the host.
std::vector<torch::Tensor> agent_state(DreamerAgent& agent) {
  std::vector<torch::Tensor> state;
  for (auto& [name, module] : agent.named_modules()) {
    for (auto& tensor : module->parameters()) state.push_back(tensor.detach().cpu().clone());
    for (auto& tensor : module->buffers()) state.push_back(tensor.detach().cpu().clone());
  }
  for (auto& [name, optimizer] : agent.named_optimizers()) {
    for (const auto& parameter : optimizer->param_groups()[0].params()) {
      const auto& adam =
          static_cast<const torch::optim::AdamParamState&>(*optimizer->state().at(parameter.unsafeGetTensorImpl()));
      state.push_back(adam.exp_avg().cpu().clone());
      state.push_back(adam.exp_avg_sq().cpu().clone());
    }
  }
  return state;
}

double max_abs_difference(const std::vector<torch::Tensor>& a, const std::vector<torch::Tensor>& b) {
  EXPECT_EQ(a.size(), b.size());
  double result = 0.0;
  for (size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    result = std::max(result, (a[i] - b[i]).abs().max().item<double>());
  }
  return result;
}

std::int64_t adam_steps(torch::optim::Adam& optimizer) {
  const auto& parameter = optimizer.param_groups()[0].params().front();
  return static_cast<const torch::optim::AdamParamState&>(*optimizer.state().at(parameter.unsafeGetTensorImpl()))
      .step();
}

RunResult AgentGraphsTest::run(const DreamerOptions& options, torch::Device device) const {
  torch::manual_seed(42);
  DreamerAgent agent(options, device);
  UpdateMetrics metrics;
  for (int i = 0; i < kUpdates; ++i) metrics = agent.update(batch(i));
  return {agent_state(agent), metrics.values.cpu()};
}

TEST_F(AgentGraphsTest, FusedAdamAndCudaGraphsChangeNothingOnCpu) {
  const RunResult plain = run(with(false, false), torch::kCPU);
  const RunResult flagged = run(with(true, true), torch::kCPU);
  ASSERT_EQ(plain.state.size(), flagged.state.size());
  for (size_t i = 0; i < plain.state.size(); ++i) EXPECT_TRUE(torch::equal(plain.state[i], flagged.state[i])) << i;
  EXPECT_TRUE(torch::equal(plain.last_metrics, flagged.last_metrics));
}

// Eager twice (how far CUDA itself is from bit-reproducible here) and with
// graphs once, for unfused and fused Adam, fp32 and bf16 autocast.
TEST_F(AgentGraphsTest, GraphReplaysGiveTheParametersOfEagerUpdates_CUDA) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << kNoCuda;
  for (const bool fused : {false, true}) {
    for (const bool bf16 : {false, true}) {
      SCOPED_TRACE(std::string("fused_adam ") + (fused ? "on" : "off") + ", bf16 " + (bf16 ? "on" : "off"));
      const RunResult eager = run(with(false, fused, bf16), torch::kCUDA);
      const RunResult eager_again = run(with(false, fused, bf16), torch::kCUDA);
      const RunResult graphs = run(with(true, fused, bf16), torch::kCUDA);
      const double noise = max_abs_difference(eager.state, eager_again.state);
      const double difference = max_abs_difference(eager.state, graphs.state);
      std::printf("fused %d bf16 %d: eager vs eager %.3g, eager vs graphs %.3g\n", fused, bf16, noise, difference);
      EXPECT_LE(difference, std::max(kReplayTolerance, 10.0 * noise));
      EXPECT_TRUE(torch::allclose(graphs.last_metrics, eager.last_metrics, 1e-4, 1e-5));
    }
  }
}

TEST_F(AgentGraphsTest, CountersMetricsAdamStepsAndSlowCriticAdvanceOnEveryReplay_CUDA) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << kNoCuda;
  for (const bool fused : {false, true}) {
    SCOPED_TRACE(std::string("fused_adam ") + (fused ? "on" : "off"));
    torch::manual_seed(7);
    DreamerAgent agent(with(true, fused), torch::kCUDA);
    std::vector<UpdateMetrics> metrics;
    for (int i = 0; i < kUpdates; ++i) {
      EXPECT_EQ(agent.graphs_captured(), i > kGraphWarmupUpdates) << "before update " << i + 1;
      std::vector<torch::Tensor> slow_before;
      for (const auto& tensor : agent.slow_critic()->parameters()) slow_before.push_back(tensor.detach().clone());
      metrics.push_back(agent.update(batch(i)));
      EXPECT_EQ(agent.counters().updates, i + 1);
      for (auto& [name, optimizer] : agent.named_optimizers()) EXPECT_EQ(adam_steps(*optimizer), i + 1) << name;
      const auto slow_after = agent.slow_critic()->parameters();
      const auto critic = agent.critic()->parameters();
      for (size_t p = 0; p < slow_after.size(); ++p) {
        const auto expected = 0.98 * slow_before[p] + 0.02 * critic[p].detach();
        EXPECT_TRUE(torch::allclose(slow_after[p], expected, 1e-5, 1e-7)) << "update " << i + 1 << " tensor " << p;
      }
    }
    EXPECT_TRUE(agent.graphs_captured());
    // Every update's metrics are its own: finite, not overwritten by later
    // replays, and different from update to update (other batches, moved
    // weights).
    const auto loss_model = UpdateMetrics::index("loss_model");
    const auto ret_p95 = UpdateMetrics::index("ret_p95");
    for (int i = 0; i < kUpdates; ++i) {
      for (const auto& [name, value] : metrics[static_cast<size_t>(i)].read()) {
        EXPECT_TRUE(std::isfinite(value)) << name << " of update " << i + 1;
      }
      if (i == 0) continue;
      const auto now = metrics[static_cast<size_t>(i)].values.cpu();
      const auto before = metrics[static_cast<size_t>(i) - 1].values.cpu();
      EXPECT_NE(now[static_cast<int64_t>(loss_model)].item<float>(),
                before[static_cast<int64_t>(loss_model)].item<float>())
          << "update " << i + 1;
      EXPECT_NE(now[static_cast<int64_t>(ret_p95)].item<float>(), before[static_cast<int64_t>(ret_p95)].item<float>())
          << "update " << i + 1;
    }
  }
}

// The hooks run eagerly between the graphs: an actor hook that replaces
// every gradient by zeros (new tensors, copied into the graphs' gradients)
// keeps the actor still, and a quantile hook that replaces the quantiles by
// (-1, 1) gives the EMA's closed form low = -(1 - 0.99^n), high = 1 - 0.99^n.
TEST_F(AgentGraphsTest, HookReplacementsReachTheOptimizerAndTheReturnEmaDuringReplays_CUDA) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << kNoCuda;
  for (const bool fused : {false, true}) {
    SCOPED_TRACE(std::string("fused_adam ") + (fused ? "on" : "off"));
    torch::manual_seed(8);
    DreamerAgent agent(with(true, fused), torch::kCUDA);
    int model_hooks = 0;
    agent.set_gradient_hook([&](ParameterGroup group, std::vector<torch::Tensor>& grads) {
      if (group == ParameterGroup::kModel) ++model_hooks;
      if (group != ParameterGroup::kActor) return;
      for (auto& grad : grads) grad = torch::zeros_like(grad);
    });
    agent.set_quantile_hook([](torch::Tensor& quantiles) {
      quantiles = torch::tensor({-1.0f, 1.0f}).to(quantiles.device());
    });
    std::vector<torch::Tensor> actor_before;
    for (const auto& tensor : agent.actor()->parameters()) actor_before.push_back(tensor.detach().clone());
    for (int i = 0; i < kUpdates; ++i) agent.update(batch(i));
    EXPECT_EQ(model_hooks, kUpdates);
    const auto actor_after = agent.actor()->parameters();
    for (size_t p = 0; p < actor_after.size(); ++p) {
      EXPECT_TRUE(torch::equal(actor_after[p], actor_before[p])) << "actor tensor " << p << " moved";
    }
    const double expected_high = 1.0 - std::pow(0.99, kUpdates);
    EXPECT_NEAR(agent.return_ema()->high().item<double>(), expected_high, 1e-6);
    EXPECT_NEAR(agent.return_ema()->low().item<double>(), -expected_high, 1e-6);
  }
}

// Checkpoint after 6 updates, 5 more (replays), restore, the same 5 again:
// the restore replaces the Adam states, so fused Adam binds again, the graphs
// are dropped and the 5 updates warm up, capture and replay anew. Both
// halves must end in the same place.
TEST_F(AgentGraphsTest, ARestoredCheckpointIsTrainedOnAfterBindingAndCapturingAgain_CUDA) {
  if (!torch::cuda::is_available()) GTEST_SKIP() << kNoCuda;
  const fs::path directory = fs::temp_directory_path() / ("dreamer_update_graphs_test_" + std::to_string(::getpid()));
  fs::remove_all(directory);
  torch::manual_seed(9);
  DreamerAgent agent(with(true, true), torch::kCUDA);
  CheckpointState checkpoint;
  for (auto& [name, module] : agent.named_modules()) checkpoint.modules.push_back({name, module.get()});
  for (auto& [name, optimizer] : agent.named_optimizers()) checkpoint.optimizers.push_back({name, optimizer});
  for (int i = 0; i < 6; ++i) agent.update(batch(i));
  save_checkpoint(directory, 6, checkpoint);
  for (int i = 6; i < 11; ++i) agent.update(batch(i));
  ASSERT_TRUE(agent.graphs_captured());
  const auto first = agent_state(agent);
  load_checkpoint(directory, checkpoint);
  for (auto& [name, optimizer] : agent.named_optimizers()) EXPECT_EQ(adam_steps(*optimizer), 6) << name;
  for (int i = 6; i < 11; ++i) agent.update(batch(i));
  EXPECT_TRUE(agent.graphs_captured());
  for (auto& [name, optimizer] : agent.named_optimizers()) EXPECT_EQ(adam_steps(*optimizer), 11) << name;
  EXPECT_LE(max_abs_difference(first, agent_state(agent)), kReplayTolerance);
  fs::remove_all(directory);
}

}  // namespace
}  // namespace dreamer::learner
