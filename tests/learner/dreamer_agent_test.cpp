// DreamerAgent: one full update on the tiny preset; slow critic EMA,
// gradient hook, overfitting one batch, CPU determinism, metrics.
#include <cmath>
#include <cstdio>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "learner/dreamer_agent.hpp"
#include "synthetic_batch.hpp"

namespace dreamer::learner {
namespace {

class DreamerAgentTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    torch::manual_seed(1234);
    options_ = DreamerOptions::preset("tiny");
  }
  TrainingBatch batch(std::uint32_t seed) const {
    return testing::moving_block_batch(options_.train.batch_size, options_.train.seq_len, seed);
  }
  DreamerOptions options_;
};

std::vector<torch::Tensor> clone_all(const std::vector<torch::Tensor>& tensors) {
  std::vector<torch::Tensor> result;
  for (const auto& tensor : tensors) result.push_back(tensor.detach().clone());
  return result;
}

TEST_F(DreamerAgentTest, UpdateReturnsEveryMetricFiniteInOneDeviceTensor) {
  DreamerAgent agent(options_, torch::kCPU);
  const auto metrics = agent.update(batch(1));
  ASSERT_EQ(metrics.values.numel(), static_cast<int64_t>(UpdateMetrics::names().size()));
  for (const auto& [name, value] : metrics.read()) EXPECT_TRUE(std::isfinite(value)) << name;
  EXPECT_EQ(agent.counters().updates, 1);
  // Entropies are summed over the latent variables: at most vars * ln(classes).
  const double max_entropy = options_.model.stoch_vars * std::log(options_.model.stoch_classes);
  EXPECT_LE(metrics.value("posterior_entropy"), max_entropy + 1e-4);
  EXPECT_GT(metrics.value("prior_entropy"), 0.0);
  EXPECT_LE(metrics.value("action_entropy"), std::log(8.0) + 1e-5);
  EXPECT_GE(metrics.value("ret_scale"), 1.0);
  EXPECT_DOUBLE_EQ(metrics.value("kl_dyn"), metrics.value("kl_rep"));
}

TEST_F(DreamerAgentTest, SlowCriticMovesTowardTheCriticByTheEmaRateEveryUpdate) {
  DreamerAgent agent(options_, torch::kCPU);
  const auto initial = clone_all(agent.slow_critic()->parameters());
  for (int i = 0; i < 2; ++i) agent.update(batch(10 + static_cast<std::uint32_t>(i)));
  const auto before = clone_all(agent.slow_critic()->parameters());
  agent.update(batch(20));
  const auto after = agent.slow_critic()->parameters();
  const auto critic = agent.critic()->parameters();
  double moved = 0.0;
  for (size_t i = 0; i < after.size(); ++i) {
    const auto expected = 0.98 * before[i] + 0.02 * critic[i].detach();
    EXPECT_TRUE(torch::allclose(after[i], expected, 1e-5, 1e-8)) << "tensor " << i;
    moved = std::max(moved, (after[i] - initial[i]).abs().max().item<double>());
  }
  EXPECT_GT(moved, 1e-7) << "slow critic never moved";
}

TEST_F(DreamerAgentTest, GradientHookSeesEveryGroupAndItsEditsReachTheOptimizer) {
  DreamerAgent agent(options_, torch::kCPU);
  std::vector<ParameterGroup> seen;
  agent.set_gradient_hook([&](ParameterGroup group, std::vector<torch::Tensor>& grads) {
    seen.push_back(group);
    for (const auto& grad : grads) ASSERT_TRUE(grad.defined());
    if (group == ParameterGroup::kActor) {
      EXPECT_EQ(grads.size(), agent.actor()->parameters().size());
      for (auto& grad : grads) grad.zero_();
    }
  });
  const auto actor_before = clone_all(agent.actor()->parameters());
  const auto model_before = clone_all(agent.world_model()->parameters());
  agent.update(batch(3));
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0], ParameterGroup::kModel);
  EXPECT_EQ(seen[1], ParameterGroup::kActor);
  EXPECT_EQ(seen[2], ParameterGroup::kCritic);
  const auto actor_after = agent.actor()->parameters();
  for (size_t i = 0; i < actor_after.size(); ++i) {
    EXPECT_TRUE(torch::equal(actor_after[i], actor_before[i])) << "actor moved with zero grads";
  }
  bool model_moved = false;
  const auto model_after = agent.world_model()->parameters();
  for (size_t i = 0; i < model_after.size(); ++i) {
    model_moved = model_moved || !torch::equal(model_after[i], model_before[i]);
  }
  EXPECT_TRUE(model_moved);
}

TEST_F(DreamerAgentTest, TinyWorldModelOverfitsOneBatchCuttingObsNllByNinetyPercent) {
  options_.train.model_lr = 1e-3;
  DreamerAgent agent(options_, torch::kCPU);
  const auto fixed = batch(7);
  const double first = agent.update(fixed).value("obs_nll");
  double last = first;
  for (int i = 0; i < 300 && last > 0.1 * first; ++i) last = agent.update(fixed).value("obs_nll");
  std::printf("obs_nll %.2f -> %.2f\n", first, last);
  EXPECT_LE(last, 0.1 * first);
}

TEST_F(DreamerAgentTest, TwoCpuRunsWithTheSameSeedGiveBitIdenticalParameters) {
  auto run = [&] {
    torch::manual_seed(99);
    DreamerAgent agent(options_, torch::kCPU);
    for (int i = 0; i < 20; ++i) agent.update(batch(100 + static_cast<std::uint32_t>(i)));
    std::vector<torch::Tensor> all;
    for (auto& [name, module] : agent.named_modules()) {
      for (auto& tensor : module->parameters()) all.push_back(tensor.detach().clone());
      for (auto& tensor : module->buffers()) all.push_back(tensor.detach().clone());
    }
    return all;
  };
  const auto first = run();
  const auto second = run();
  ASSERT_EQ(first.size(), second.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_TRUE(torch::equal(first[i], second[i])) << "tensor " << i << " differs";
  }
}

TEST_F(DreamerAgentTest, ExposesModulesOptimizersAndPlayerWeightsForCheckpoints) {
  DreamerAgent agent(options_, torch::kCPU);
  const auto modules = agent.named_modules();
  ASSERT_EQ(modules.size(), 5u);
  EXPECT_EQ(modules[0].first, "world_model");
  EXPECT_TRUE(modules[0].second->named_parameters().contains("rssm.initial_deter"));
  const auto optimizers = agent.named_optimizers();
  ASSERT_EQ(optimizers.size(), 3u);
  EXPECT_DOUBLE_EQ(static_cast<torch::optim::AdamOptions&>(optimizers[0].second->param_groups()[0].options()).lr(),
                   1e-4);
  EXPECT_EQ(agent.player_weights().size(), agent.world_model()->encoder()->parameters().size() +
                                               agent.world_model()->rssm()->parameters().size() +
                                               agent.actor()->parameters().size());
}

}  // namespace
}  // namespace dreamer::learner
