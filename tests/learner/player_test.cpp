// Player: loads the learner's weights, keeps per-env state, resets at
// is_first, and acts greedily or by sampling.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include "learner/dreamer_agent.hpp"
#include "learner/player.hpp"
#include "synthetic_batch.hpp"

namespace dreamer::learner {
namespace {

class PlayerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    torch::set_num_threads(1);
    torch::manual_seed(77);
    options_ = DreamerOptions::preset("tiny");
  }
  DreamerOptions options_;
};

TEST_F(PlayerTest, LoadsTheLearnersWeightsWithAVersion) {
  DreamerAgent agent(options_, torch::kCPU);
  Player player(options_.model, 3, torch::kCPU, /*seed=*/1);
  EXPECT_EQ(player.version(), -1);
  player.load_weights(agent.player_weights(), 42);
  EXPECT_EQ(player.version(), 42);
  const auto source = agent.player_weights();
  const auto loaded = player.weights();
  ASSERT_EQ(source.size(), loaded.size());
  for (size_t i = 0; i < source.size(); ++i) EXPECT_TRUE(torch::equal(source[i], loaded[i]));
  // A copy, not an alias: training the agent does not change the Player.
  agent.update(testing::moving_block_batch(4, 8, 1));
  bool any_differs = false;
  for (size_t i = 0; i < source.size(); ++i) any_differs |= !torch::equal(source[i], loaded[i]);
  EXPECT_TRUE(any_differs);
}

TEST_F(PlayerTest, GreedyActionsMatchTheActorOnTheRssmPosterior) {
  DreamerAgent agent(options_, torch::kCPU);
  Player player(options_.model, 4, torch::kCPU, /*seed=*/5);
  player.load_weights(agent.player_weights(), 1);
  const auto data = testing::moving_block_batch(4, 5, 9);
  const auto is_first = data.is_first.to(torch::kFloat32);

  // Reference: the agent's own modules, the default generator seeded as the
  // Player's own generator is, for the latent samples.
  std::vector<torch::Tensor> player_actions;
  for (int64_t t = 0; t < 5; ++t) {
    player_actions.push_back(player.act(data.obs.select(1, t), is_first.select(1, t), true));
  }
  torch::manual_seed(5);
  torch::NoGradGuard no_grad;
  auto& rssm = agent.world_model()->rssm();
  RssmState state;
  auto action_prev = torch::zeros({4, 8});
  for (int64_t t = 0; t < 5; ++t) {
    const auto embed = agent.world_model()->encoder()->forward(data.obs.select(1, t));
    state = rssm->observe_step(state, action_prev, embed, is_first.select(1, t));
    const auto action = agent.actor()->greedy(rssm->latent(state));
    EXPECT_TRUE(torch::equal(action, player_actions[static_cast<size_t>(t)])) << "step " << t;
    action_prev = torch::one_hot(action, 8).to(torch::kFloat32);
  }
}

TEST_F(PlayerTest, SampledActionsAreValidAndVary) {
  Player player(options_.model, 64, torch::kCPU, /*seed=*/1);
  const auto obs = testing::moving_block_batch(64, 1, 2).obs.select(1, 0);
  const auto actions = player.act(obs, torch::ones({64}, torch::kBool), false);
  ASSERT_EQ(actions.scalar_type(), torch::kInt64);
  EXPECT_GE(actions.min().item<int64_t>(), 0);
  EXPECT_LT(actions.max().item<int64_t>(), 8);
  EXPECT_GT(std::get<0>(torch::_unique(actions)).numel(), 1);
}

// Actors sample while the learner may be capturing CUDA graphs on the
// default generator: a Player draws from its own, seeded one only.
TEST_F(PlayerTest, SamplesFromItsOwnSeededGeneratorOnly) {
  DreamerAgent agent(options_, torch::kCPU);
  Player first(options_.model, 64, torch::kCPU, /*seed=*/3);
  Player second(options_.model, 64, torch::kCPU, /*seed=*/3);
  first.load_weights(agent.player_weights(), 1);
  second.load_weights(agent.player_weights(), 1);
  const auto obs = testing::moving_block_batch(64, 1, 2).obs.select(1, 0);
  const auto is_first = torch::ones({64}, torch::kBool);
  torch::manual_seed(0);
  const auto untouched = torch::rand({8});
  torch::manual_seed(0);
  const auto first_actions = first.act(obs, is_first, false);
  torch::manual_seed(1);  // a different default generator changes nothing
  const auto second_actions = second.act(obs, is_first, false);
  EXPECT_TRUE(torch::equal(first_actions, second_actions));
  torch::manual_seed(0);
  first.act(obs, is_first, false);
  EXPECT_TRUE(torch::equal(torch::rand({8}), untouched)) << "the Player drew from the default generator";
}

}  // namespace
}  // namespace dreamer::learner
