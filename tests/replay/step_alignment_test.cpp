// Pins the row convention of DESIGN.md section 6 end to end: an actor loop
// over a toy environment writes rows as documented, and every sampled
// sequence then pairs obs_t with the action that led to it (a_{t-1}) and
// with the reward / continue of the transition that arrived at obs_t.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <vector>

#include "replay/replay_ring.hpp"
#include "replay/sequence_sampler.hpp"

namespace dreamer::replay {
namespace {

// Toy environment: the state is a position 0..9; action k in 0..7 moves it
// one step left when k % 4 == 0, else one step right; reaching 9 is terminal,
// 50 steps truncate. Reward = new
// position / 10. The position is written into observation byte 0.
int move(int position, int action) { return std::max(0, std::min(9, position + (action % 4 == 0 ? -1 : 1))); }

struct ToyEnv {
  int position = 0;
  int steps = 0;
  struct Result {
    int position;
    float reward;
    bool terminal;
    bool truncated;
  };
  Result step(int action) {
    position = move(position, action);
    ++steps;
    return {position, static_cast<float>(position) / 10.0f, position == 9, steps == 50};
  }
};

float reward_for(int position) { return static_cast<float>(position) / 10.0f; }

TEST(StepAlignment, EachRowHoldsTheActionThatLedToItsObservationAndThatTransitionsReward) {
  ReplayOptions options;
  options.num_streams = 1;
  options.capacity = 400;
  options.commit_stride = 8;
  options.safety_margin = 8;
  options.seq_len = 16;
  options.batch_size = 8;
  options.min_size_to_sample = 16;
  options.train_ratio = 1.0;
  options.error_buffer = 1000.0;
  ReplayRing ring(options);

  // Actor loop: at a reset write (obs_0, action 0, reward 0, is_first);
  // after each env step write (obs_{t+1}, a_t, r_{t+1}, terminal, truncated).
  ToyEnv env;
  std::vector<std::uint8_t> observation(ReplayRing::kObservationBytes, 0);
  std::uint64_t episode = 0;
  bool reset_next = true;
  std::uint64_t action_counter = 0;
  for (int chunk = 0; chunk < 120; ++chunk) {
    const std::uint64_t first = ring.begin_chunk(0);
    for (int i = 0; i < options.commit_stride; ++i) {
      StepFields fields;
      if (reset_next) {
        env = ToyEnv{};
        ++episode;
        observation[0] = 0;
        fields.is_first = true;
        reset_next = false;
      } else {
        const int action = static_cast<int>((action_counter++ * 2654435761u >> 7) % 8);
        const ToyEnv::Result result = env.step(action);
        observation[0] = static_cast<std::uint8_t>(result.position);
        fields.action = static_cast<std::uint8_t>(action);
        fields.reward = result.reward;
        fields.is_terminal = result.terminal;
        fields.is_truncated = result.truncated && !result.terminal;
        reset_next = result.terminal || result.truncated;
      }
      fields.episode_id = static_cast<std::int64_t>(episode);
      ring.write_step(0, first + static_cast<std::uint64_t>(i), fields, observation.data());
    }
    ring.publish_chunk(0);
  }

  SequenceSampler sampler(ring, 3);
  SampleBatch batch(8, 16);
  int checked_transitions = 0, terminals = 0;
  for (int round = 0; round < 100; ++round) {
    ASSERT_EQ(sampler.sample(batch.view()), SampleStatus::kOk);
    const SampleBatchView& v = batch.view();
    for (int b = 0; b < 8; ++b) {
      EXPECT_EQ(v.is_first[b * 16], 1);
      EXPECT_EQ(v.action[b * 16], 0);
      for (int t = 1; t < 16; ++t) {
        const int row = b * 16 + t;
        const int previous = v.observations[(row - 1) * ReplayRing::kObservationBytes];
        const int current = v.observations[row * ReplayRing::kObservationBytes];
        if (v.is_first[row] != 0) {
          // A reset row: nothing led to it from the previous row.
          EXPECT_EQ(current, 0);
          EXPECT_EQ(v.action[row], 0);
          EXPECT_EQ(v.reward[row], 0.0f);
          EXPECT_NE(v.episode_id[row], v.episode_id[row - 1]);
          continue;
        }
        // obs_t = transition(obs_{t-1}, action stored in row t).
        const int expected = move(previous, v.action[row]);
        EXPECT_EQ(current, expected) << "row " << t << " action " << int(v.action[row]);
        EXPECT_EQ(v.reward[row], reward_for(current));
        EXPECT_EQ(v.continues[row], current == 9 ? 0.0f : 1.0f);
        terminals += v.is_terminal[row];
        ++checked_transitions;
      }
    }
  }
  EXPECT_GT(checked_transitions, 10000);
  EXPECT_GT(terminals, 0) << "the toy policy should reach the goal now and then";
}

}  // namespace
}  // namespace dreamer::replay
