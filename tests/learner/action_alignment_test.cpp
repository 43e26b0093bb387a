// The a_{t-1} alignment (DESIGN.md section 6): the posterior for obs_t is fed
// the action that LED to obs_t, which the replay stores in row t. With
// observations that carry no information, the only way for the reward head to
// predict reward_t is through the action the RSSM was fed:
//  - reward_t = f(a_{t-1}) (row t's action) must become predictable;
//  - reward_t = f(a_t), the action chosen AFTER seeing obs_t (row t+1's),
//    must stay unpredictable.
// Feeding row t+1 (a_t) makes the second learnable; feeding row t-1 (a_{t-2},
// a shift too many) makes the first unlearnable: either way the test fails.
#include <algorithm>
#include <cstdio>
#include <random>
#include <vector>

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
    std::vector<int64_t> taken(static_cast<size_t>(steps));  // a_t, chosen after seeing obs_t
    for (auto& a : taken) a = action(rng);
    for (int64_t t = 0; t < steps; ++t) {
      result.action[b][t] = t == 0 ? 0 : taken[static_cast<size_t>(t - 1)];  // row t holds a_{t-1}
      if (t == 0) continue;                                                  // reward at is_first is 0 in both cases
      const int64_t deciding = source == RewardSource::kPreviousAction ? t - 1 : t;
      result.reward[b][t] = taken[static_cast<size_t>(deciding)] < 4 ? 1.0f : 0.0f;
    }
  }
  result.is_first = torch::zeros({batch, steps}, torch::kBool);
  result.is_first.select(1, 0).fill_(true);
  result.is_terminal = torch::zeros({batch, steps}, torch::kBool);
  result.is_truncated = torch::zeros({batch, steps}, torch::kBool);
  return result;
}

// Trains on fresh batches (so nothing can be memorised). Stops early once
// the mean reward NLL over the last `window` updates falls below `stop_below`
// (pass 0 to never stop). Returns that mean and the updates done.
struct FitResult {
  double reward_nll;
  int updates;
};

FitResult fit_reward(RewardSource source, int max_updates, double stop_below) {
  torch::manual_seed(2024);
  std::mt19937 rng(2024);
  auto options = DreamerOptions::preset("tiny");
  options.train.batch_size = 16;
  options.train.seq_len = 4;
  options.train.horizon = 2;
  options.train.model_lr = 3e-3;
  DreamerAgent agent(options, torch::kCPU);
  const int window = 20;
  std::vector<double> history;
  double mean = 0.0;
  for (int i = 0; i < max_updates; ++i) {
    const auto metrics = agent.update(blank_batch(options.train.batch_size, options.train.seq_len, source, rng));
    history.push_back(metrics.value("reward_nll"));
    if (static_cast<int>(history.size()) < window) continue;
    mean = 0.0;
    for (size_t k = history.size() - window; k < history.size(); ++k) mean += history[k];
    mean /= window;
    if (mean < stop_below) return {mean, i + 1};
  }
  return {mean, max_updates};
}

// With seq_len 4, one step in four (is_first, reward 0) is always
// predictable. Optimal mean NLLs: about 0.25 when the reward is predictable
// from the fed action, about 0.77 when it is a coin flip.
TEST(ActionAlignment, RewardOfObsTIsLearnedFromTheActionThatLedToIt) {
  torch::set_num_threads(1);
  const auto previous = fit_reward(RewardSource::kPreviousAction, 600, 0.4);
  std::printf("reward from a_{t-1}: reward_nll %.3f after %d updates\n", previous.reward_nll, previous.updates);
  ASSERT_LT(previous.reward_nll, 0.4) << "reward of obs_t not learned from a_{t-1}";
  // The current action gets more updates than the previous one needed, so a
  // model fed a_t (the bug) would have learned it by then.
  const int updates = std::max(previous.updates + 100, previous.updates * 3 / 2);
  const auto current = fit_reward(RewardSource::kCurrentAction, updates, 0.0);
  std::printf("reward from a_t:     reward_nll %.3f after %d updates\n", current.reward_nll, current.updates);
  EXPECT_GT(current.reward_nll, previous.reward_nll + 0.35)
      << "reward of obs_t was predicted from a_t, the action chosen after seeing obs_t";
}

}  // namespace
}  // namespace dreamer::learner
