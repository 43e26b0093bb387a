#pragma once
// Episode statistics: what a set of finished episodes says about a policy.
// The actors' metric reports and dreamer_eval's summary both come from here,
// so that their success_rate, dist_p50, ... mean the same thing.
//
//   success_rate          successful episodes / episodes
//   mean_return           mean of the episode returns
//   episode_length_mean   mean env steps per episode
//   dist_p10/p50/p90      percentiles of the goal distance at episode end
//   steps_to_goal_p50     median length of the successful episodes (none: nullopt)
//   done_rate             episodes * max_steps / env_steps: finished episodes
//                         per env step, scaled so that 1.0 means one episode
//                         per max_steps steps (episodes that reach the goal
//                         early push it above 1)
//
// Percentiles are nearest-rank observed values (common/percentile.hpp).
#include <cstdint>
#include <optional>
#include <span>

namespace dreamer::actors {

struct EpisodeOutcome {
  double episode_return = 0.0;  // sum of the episode's rewards
  std::int32_t length = 0;      // env steps taken (the reset observation is not a step)
  double end_dist = 1.0;        // goal distance of the episode's last observation
  bool success = false;         // ended by reaching the goal (terminated), not by truncation
};

struct EpisodeStatistics {
  std::int64_t episodes = 0;
  std::int64_t successes = 0;
  // With no episodes every field below stays 0 (steps_to_goal_p50: nullopt).
  double success_rate = 0.0;
  double mean_return = 0.0;
  double episode_length_mean = 0.0;
  double dist_p10 = 0.0;
  double dist_p50 = 0.0;
  double dist_p90 = 0.0;
  std::optional<double> steps_to_goal_p50;
  double done_rate = 0.0;  // 0 when env_steps is 0
};

// `max_steps`: the task's episode limit; `env_steps`: the env steps the
// episodes were drawn from (for done_rate).
EpisodeStatistics summarize_episodes(std::span<const EpisodeOutcome> outcomes, int max_steps, std::int64_t env_steps);

}  // namespace dreamer::actors
