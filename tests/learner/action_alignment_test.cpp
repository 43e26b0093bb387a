// The a_{t-1} alignment (DESIGN.md section 6): the posterior for obs_t is fed
// the action that LED to obs_t. With observations that carry no information,
// the only way for the reward head to predict reward_t is through the action
// the RSSM was fed:
//  - reward_t = f(action[t-1]) must become predictable (fed correctly);
//  - reward_t = f(action[t]), the action chosen AFTER seeing obs_t, must stay
//    unpredictable: if the code fed a_t instead of a_{t-1}, this reward would
//    be learned and the test fails.
#include <cstdio>
#include <random>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "common/packed2.hpp"
#include "learner/dreamer_agent.hpp"

namespace dreamer::learner {
namespace {

enum class RewardSource { kPreviousAction, kCurrentAction };

TrainingBatch blank_batch(int64_t batch, int64_t steps, RewardSource source, std::mt19937& rng) {
  std::uniform_int_distribution<int64_t> action(0, 7);
  TrainingBatch result;
  result.obs = torch::zeros({batch, steps, packed2::kHeight, packed2::kBytesPerRow}, torch::kUInt8);
  result.action = torch::empty({batch, steps}, torch::kInt64);
  result.reward = torch::zeros({batch, steps}, torch::kFloat32);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t t = 0; t < steps; ++t) result.action[b][t] = action(rng);
    for (int64_t t = 0; t < steps; ++t) {
      if (t == 0) continue;  // reward at is_first is 0 in both cases
      const int64_t deciding = source == RewardSource::kPreviousAction ? t - 1 : t;
      result.reward[b][t] = result.action[b][deciding].item<int64_t>() < 4 ? 1.0f : 0.0f;
    }
  }
  result.is_first = torch::zeros({batch, steps}, torch::kBool);
  result.is_first.select(1, 0).fill_(true);
  result.is_terminal = torch::zeros({batch, steps}, torch::kBool);
  result.is_truncated = torch::zeros({batch, steps}, torch::kBool);
  return result;
}

// Trains on fresh batches (so nothing can be memorised) and returns the mean
// reward NLL over the last updates.
double final_reward_nll(RewardSource source) {
  torch::manual_seed(2024);
  std::mt19937 rng(2024);
  auto options = DreamerOptions::preset("tiny");
  options.train.batch_size = 16;
  options.train.seq_len = 4;
  options.train.horizon = 2;
  options.train.model_lr = 3e-3;
  DreamerAgent agent(options, torch::kCPU);
  const int updates = 300;
  const int tail = 50;
  double sum = 0.0;
  for (int i = 0; i < updates; ++i) {
    const auto metrics =
        agent.update(blank_batch(options.train.batch_size, options.train.seq_len, source, rng));
    if (i >= updates - tail) sum += metrics.value("reward_nll");
  }
  return sum / tail;
}

TEST(ActionAlignment, RewardOfObsTIsLearnedFromTheActionThatLedToIt) {
  torch::set_num_threads(1);
  const double previous = final_reward_nll(RewardSource::kPreviousAction);
  const double current = final_reward_nll(RewardSource::kCurrentAction);
  std::printf("reward_nll: reward from a_{t-1} %.3f, reward from a_t %.3f\n", previous, current);
  // A coin-flip reward costs ln 2 = 0.69 nats more than a predictable one.
  EXPECT_LT(previous + 0.35, current);
}

}  // namespace
}  // namespace dreamer::learner
