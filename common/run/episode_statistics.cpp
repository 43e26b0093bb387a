#include "common/run/episode_statistics.hpp"

#include "common/error.hpp"
#include "common/percentile.hpp"

namespace dreamer {

EpisodeStatistics summarize_episodes(std::span<const EpisodeOutcome> outcomes) {
  EpisodeStatistics stats;
  stats.episodes = static_cast<std::int64_t>(outcomes.size());
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
  stats.done_rate = stats.success_rate;  // a goal task terminates only at its goal
  stats.mean_return = return_sum / count;
  stats.episode_length_mean = length_sum / count;
  stats.dist_p10 = percentile(end_dists, 0.10);
  stats.dist_p50 = percentile(end_dists, 0.50);
  stats.dist_p90 = percentile(end_dists, 0.90);
  if (!goal_lengths.empty()) stats.steps_to_goal_p50 = percentile(goal_lengths, 0.50);
  return stats;
}

nlohmann::json episode_outcomes_to_json(std::span<const EpisodeOutcome> outcomes) {
  nlohmann::json returns = nlohmann::json::array(), lengths = nlohmann::json::array(), dists = nlohmann::json::array(),
                 successes = nlohmann::json::array();
  for (const EpisodeOutcome& outcome : outcomes) {
    returns.push_back(outcome.episode_return);
    lengths.push_back(outcome.length);
    dists.push_back(outcome.end_dist);
    successes.push_back(outcome.success ? 1 : 0);
  }
  return {{"return", std::move(returns)},
          {"length", std::move(lengths)},
          {"end_dist", std::move(dists)},
          {"success", std::move(successes)}};
}

void append_episode_outcomes(const nlohmann::json& json, std::vector<EpisodeOutcome>& out) {
  const auto array = [&](const char* key) -> const nlohmann::json& {
    const auto it = json.find(key);
    if (it == json.end() || !it->is_array())
      throw Error(std::string("episode outcomes: '") + key + "' is not an array");
    return *it;
  };
  const nlohmann::json& returns = array("return");
  const nlohmann::json& lengths = array("length");
  const nlohmann::json& dists = array("end_dist");
  const nlohmann::json& successes = array("success");
  if (lengths.size() != returns.size() || dists.size() != returns.size() || successes.size() != returns.size())
    throw Error("episode outcomes: arrays of unequal length");
  for (std::size_t i = 0; i < returns.size(); ++i)
    out.push_back({returns[i].get<double>(), lengths[i].get<std::int32_t>(), dists[i].get<double>(),
                   successes[i].get<int>() != 0});
}

void add_episode_metrics(nlohmann::json& record, const EpisodeStatistics& stats) {
  record["episodes"] = stats.episodes;
  if (stats.episodes == 0) return;
  record["success_rate"] = stats.success_rate;
  record["done_rate"] = stats.done_rate;
  record["mean_return"] = stats.mean_return;
  record["ep_len_mean"] = stats.episode_length_mean;
  record["dist_p10"] = stats.dist_p10;
  record["dist_p50"] = stats.dist_p50;
  record["dist_p90"] = stats.dist_p90;
  if (stats.steps_to_goal_p50) record["steps_to_goal_p50"] = *stats.steps_to_goal_p50;
}

}  // namespace dreamer
