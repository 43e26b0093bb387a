#include "actors/episode_statistics.hpp"

#include <vector>

#include "common/percentile.hpp"

namespace dreamer::actors {

EpisodeStatistics summarize_episodes(std::span<const EpisodeOutcome> outcomes, int max_steps, std::int64_t env_steps) {
  EpisodeStatistics stats;
  stats.episodes = static_cast<std::int64_t>(outcomes.size());
  if (env_steps > 0) stats.done_rate = static_cast<double>(stats.episodes) * max_steps / static_cast<double>(env_steps);
  if (outcomes.empty()) return stats;
  double return_sum = 0.0, length_sum = 0.0;
  std::vector<double> end_dists, goal_lengths;
  for (const EpisodeOutcome& outcome : outcomes) {
    return_sum += outcome.episode_return;
    length_sum += outcome.length;
    end_dists.push_back(outcome.end_dist);
    if (outcome.success) goal_lengths.push_back(outcome.length);
  }
  const double count = static_cast<double>(stats.episodes);
  stats.successes = static_cast<std::int64_t>(goal_lengths.size());
  stats.success_rate = static_cast<double>(stats.successes) / count;
  stats.mean_return = return_sum / count;
  stats.episode_length_mean = length_sum / count;
  stats.dist_p10 = percentile(end_dists, 0.10);
  stats.dist_p50 = percentile(end_dists, 0.50);
  stats.dist_p90 = percentile(end_dists, 0.90);
  if (!goal_lengths.empty()) stats.steps_to_goal_p50 = percentile(goal_lengths, 0.50);
  return stats;
}

}  // namespace dreamer::actors
