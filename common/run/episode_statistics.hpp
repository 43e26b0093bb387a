#pragma once
// Episode statistics: what a set of ended episodes says about a policy. The
// actors' reports, the gate's metric records and dreamer_eval's summary all
// come from here, so that success_rate, done_rate, dist_p50, ... mean the
// same thing in training and in evaluation (docs/file_formats.md):
//
//   episodes              ended episodes (by reaching the goal or by truncation)
//   success_rate          episodes that reached the goal / episodes
//   done_rate             episodes that ended by the task's own end (terminated:
//                         the goal reached) rather than by truncation at
//                         max_steps / episodes; in [0, 1]. In the project's
//                         goal tasks termination is success, so it equals
//                         success_rate there.
//   mean_return           mean of the episode returns
//   episode_length_mean   mean env steps per episode
//   dist_p10/p50/p90      percentiles of the goal distance at episode end
//   steps_to_goal_p50     median length of the successful episodes (none: nullopt)
//
// With no episodes there is no rate: every field stays 0 and `episodes` says
// why. Percentiles are nearest-rank observed values (common/percentile.hpp).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace dreamer {

struct EpisodeOutcome {
  double episode_return = 0.0;  // sum of the episode's rewards
  std::int32_t length = 0;      // env steps taken (the reset observation is not a step)
  double end_dist = 1.0;        // goal distance of the episode's last observation
  bool success = false;         // ended by reaching the goal (terminated), not by truncation
};

struct EpisodeStatistics {
  std::int64_t episodes = 0;
  std::int64_t successes = 0;
  double success_rate = 0.0;
  double done_rate = 0.0;
  double mean_return = 0.0;
  double episode_length_mean = 0.0;
  double dist_p10 = 0.0;
  double dist_p50 = 0.0;
  double dist_p90 = 0.0;
  std::optional<double> steps_to_goal_p50;
};

EpisodeStatistics summarize_episodes(std::span<const EpisodeOutcome> outcomes);

// The wire form of outcomes in an actor's report, so that the gate can pool
// the episodes of every actor (percentiles do not average):
//   {"return": [...], "length": [...], "end_dist": [...], "success": [0|1, ...]}
nlohmann::json episode_outcomes_to_json(std::span<const EpisodeOutcome> outcomes);
// Appends the outcomes of `json` (the form above) to `out`; throws
// dreamer::Error when the arrays are missing or of unequal length.
void append_episode_outcomes(const nlohmann::json& json, std::vector<EpisodeOutcome>& out);

// The episode keys of a training metrics record: "episodes" always; with at
// least one episode also success_rate, done_rate, mean_return, ep_len_mean,
// dist_p10/p50/p90 and (with a success) steps_to_goal_p50.
void add_episode_metrics(nlohmann::json& record, const EpisodeStatistics& stats);

}  // namespace dreamer
