#pragma once
// Evaluation of a checkpoint's policy on its run's own task: the core of
// dreamer_eval, and the greedy evaluation that ends every training run.
//
//   checkpoint (file or checkpoints/ folder) --> config JSON --> task, model sizes
//             --> world_model + actor weights --> Player (encoder, RSSM, actor)
//   N CPU envs, one episode each, stepped together (the actor's env+player
//   step, actors/env_player_step.hpp) until every episode has terminated
//   (goal reached) or been truncated (the task's max_steps)
//
// Every episode starts at the same step, and the evaluation waits for the
// last one, so its rates carry none of the bias of a training window.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "actors/env/task.hpp"
#include "common/run/episode_statistics.hpp"
#include "common/run/run_directory.hpp"
#include "launch/run_config.hpp"
#include "learner/checkpoint.hpp"
#include "learner/dreamer_agent.hpp"
#include "learner/player.hpp"

namespace dreamer {

// The policy a checkpoint holds, with the run it came from.
struct LoadedPolicy {
  std::filesystem::path file;
  std::string file_sha256;
  std::int64_t opt_steps = 0;
  RunConfig config;
  torch::Device device{torch::kCPU};
};

// One env step of one episode: the action taken and what it led to.
struct StepRecord {
  std::uint8_t action = 0;
  float reward = 0.0f;
  float dist = 0.0f;
  bool terminated = false;
  bool truncated = false;
};

struct Evaluation {
  std::vector<std::vector<StepRecord>> episodes;  // [episode][step]
  std::vector<EpisodeOutcome> outcomes;
};

// The shortest decimal that reads back as the same float: rewards and
// distances print as -0.01, not -0.009999999776482582.
double shortest_decimal(float value);

// `checkpoint`: a ckpt_<n>.h5 or a checkpoints/ folder; `device`: cpu or cuda.
// Throws dreamer::Error on an unreadable checkpoint or config.
LoadedPolicy read_policy(const std::filesystem::path& checkpoint, Device device);
// Loads the checkpoint's world model and actor (all a policy needs) into
// `agent`; the returned state names those modules.
learner::CheckpointState load_policy_modules(const LoadedPolicy& policy, learner::DreamerAgent& agent);
// The world model and actor of the checkpoint in a Player for `envs` envs.
learner::Player make_player(const LoadedPolicy& policy, int envs, std::uint64_t seed);
// Runs one episode in each of the player's envs (greedy: argmax actions).
Evaluation run_episodes(const env::Task& task, learner::Player& player, bool greedy, int env_threads);

// The summary JSON (docs/file_formats.md, "Evaluation").
nlohmann::ordered_json evaluation_summary(const LoadedPolicy& policy, const env::Task& task,
                                          const Evaluation& evaluation, bool greedy, std::uint64_t seed);

// The eval_* keys of a metrics record for an evaluation's statistics:
//   "eval_episodes", "eval_success_rate", "eval_done_rate", "eval_mean_return",
//   "eval_episode_length_mean", "eval_steps_to_goal_p50" (null without a
//   success), "eval_dist_p10/p50/p90"
void add_evaluation_keys(nlohmann::json& record, const EpisodeStatistics& stats);

// A greedy evaluation of weights in memory (a training run's periodic one,
// between two updates): one episode in each of `episodes` CPU envs of
// `task`, the Player on `device` with `weights` (player_parameters() order).
// Every evaluation of a run uses the same Player seed as the final one, so
// the same weights give the same figures.
EpisodeStatistics evaluate_weights(const RunConfig& config, const env::Task& task,
                                   const std::vector<torch::Tensor>& weights, std::int64_t version, int episodes,
                                   torch::Device device);

// The greedy evaluation at the end of a training run: `episodes` episodes of
// the run's task with its final checkpoint, on its device. Writes
// <run>/eval_summary.json and appends one record to its metrics.jsonl:
//   {"env_steps", "opt_steps", "final_eval": true, <the eval_* keys above>}
// Returns the summary.
nlohmann::ordered_json run_final_evaluation(const RunDirectory& run, const RunConfig& config, int episodes,
                                            std::int64_t env_steps);

}  // namespace dreamer
