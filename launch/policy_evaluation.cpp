#include "launch/policy_evaluation.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <charconv>
#include <thread>

#include "actors/env/batched_env.hpp"
#include "actors/env_player_step.hpp"
#include "common/config_json.hpp"
#include "common/file_io.hpp"
#include "common/hdf5/hdf5_check.hpp"
#include "common/run/metrics_log.hpp"
#include "common/sha256.hpp"
#include "launch/run_setup.hpp"
#include "learner/checkpoint.hpp"
#include "learner/dreamer_agent.hpp"

namespace dreamer {

namespace fs = std::filesystem;

double shortest_decimal(float value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof(text), value);
  return std::stod(std::string(text, result.ptr));
}

LoadedPolicy read_policy(const fs::path& checkpoint, Device device) {
  silence_hdf5_errors();
  const learner::CheckpointConfig stored = learner::read_checkpoint_config(checkpoint);
  LoadedPolicy policy;
  policy.file = stored.info.file;
  policy.opt_steps = stored.info.opt_steps;
  policy.config = config_from_json<RunConfig>(stored.config_json, "checkpoint '" + policy.file.string() + "' config");
  RunConfig device_config = policy.config;
  device_config.device = device;
  policy.device = torch::Device(learner_device(device_config, 0));
  policy.file_sha256 = sha256_file_hex(policy.file);
  return policy;
}

// Optimizer state and generator states are not needed to act.
learner::CheckpointState load_policy_modules(const LoadedPolicy& policy, learner::DreamerAgent& agent) {
  learner::CheckpointState state;
  for (auto& [name, module] : agent.named_modules()) {
    if (name == "world_model" || name == "actor") state.modules.push_back({name, module.get()});
  }
  learner::CheckpointLoadOptions options;
  options.restore_torch_rng = false;
  learner::load_checkpoint(policy.file, state, options);
  return state;
}

learner::Player make_player(const LoadedPolicy& policy, int envs, std::uint64_t seed) {
  learner::DreamerAgent agent(policy.config.model, policy.device);
  const learner::CheckpointState state = load_policy_modules(policy, agent);
  // A policy with NaN or inf weights acts as a constant (argmax of NaN is 0):
  // refused, rather than evaluated as if it were a policy.
  for (const learner::NamedModule& entry : state.modules) {
    for (const auto& parameter : entry.module->named_parameters()) {
      if (!torch::isfinite(parameter.value()).all().item<bool>())
        throw Error("checkpoint '" + policy.file.string() + "': " + entry.name + " weight '" + parameter.key() +
                    "' holds NaN or inf");
    }
  }
  learner::Player player(policy.config.model.model, envs, policy.device, seed);
  player.load_weights(agent.player_weights(), policy.opt_steps);
  return player;
}

// The actor's env+player step. Envs whose episode has ended keep stepping
// (they restart) until the last episode ends, but are no longer recorded.
Evaluation run_episodes(const env::Task& task, learner::Player& player, bool greedy, int env_threads) {
  const int n = static_cast<int>(player.num_envs());
  auto environment = env::make_batched_env(task, {env::Backend::kCpu, n, env_threads, 0});
  env::HostBatch batch(n);
  actors::EnvPlayerStep env_player(*environment, &player, greedy, std::nullopt);
  env_player.tick(batch.view());  // the first observations and actions
  Evaluation evaluation;
  evaluation.episodes.resize(static_cast<std::size_t>(n));
  evaluation.outcomes.resize(static_cast<std::size_t>(n));
  std::vector<bool> ended(static_cast<std::size_t>(n), false);
  int running = n;
  while (running > 0) {
    const std::span<const std::uint8_t> actions = env_player.tick(batch.view());
    for (int e = 0; e < n; ++e) {
      const auto index = static_cast<std::size_t>(e);
      if (ended[index]) continue;
      const StepRecord step{actions[index], batch.reward[index], batch.dist[index], batch.terminated[index] != 0,
                            batch.truncated[index] != 0};
      evaluation.episodes[index].push_back(step);
      // Statistics of the values as the trajectory file prints them.
      EpisodeOutcome& outcome = evaluation.outcomes[index];
      outcome.episode_return += shortest_decimal(step.reward);
      outcome.length += 1;
      outcome.end_dist = shortest_decimal(step.dist);
      if (step.terminated || step.truncated) {
        outcome.success = step.terminated;
        ended[index] = true;
        --running;
      }
    }
  }
  return evaluation;
}

namespace {

// An evaluation's figures under `prefix`: the summary's keys ("") and a
// metrics record's ("eval_").
template <class Json>
void put_statistics(Json& out, const EpisodeStatistics& stats, const std::string& prefix) {
  out[prefix + "episodes"] = stats.episodes;
  out[prefix + "success_rate"] = stats.success_rate;
  out[prefix + "done_rate"] = stats.done_rate;
  out[prefix + "mean_return"] = stats.mean_return;
  out[prefix + "episode_length_mean"] = stats.episode_length_mean;
  out[prefix + "steps_to_goal_p50"] = stats.steps_to_goal_p50 ? Json(*stats.steps_to_goal_p50) : Json(nullptr);
  out[prefix + "dist_p10"] = stats.dist_p10;
  out[prefix + "dist_p50"] = stats.dist_p50;
  out[prefix + "dist_p90"] = stats.dist_p90;
}

}  // namespace

nlohmann::ordered_json evaluation_summary(const LoadedPolicy& policy, const env::Task& task,
                                          const Evaluation& evaluation, bool greedy, std::uint64_t seed) {
  std::int64_t env_steps = 0;
  for (const EpisodeOutcome& outcome : evaluation.outcomes) env_steps += outcome.length;
  const int max_steps = task.goal_params().max_steps;
  const EpisodeStatistics stats = summarize_episodes(evaluation.outcomes);
  nlohmann::ordered_json summary;
  put_statistics(summary, stats, "");
  summary["greedy"] = greedy;
  summary["checkpoint"] = fs::absolute(policy.file).lexically_normal().string();
  summary["checkpoint_sha256"] = policy.file_sha256;
  const TaskConfig& task_config = policy.config.task;
  summary["details"] = {{"opt_steps", policy.opt_steps},  {"seed", seed},
                        {"device", policy.device.str()},  {"env_steps", env_steps},
                        {"max_steps", max_steps},         {"successes", stats.successes},
                        {"mode", policy.config.mode},     {"stage", task_config.rom.empty() ? task_config.stage : ""},
                        {"rom_sha256", task.rom_sha256()}};
  return summary;
}

namespace {

// The Player's seed in a run's evaluations: greedy actions pick nothing at
// random, but the latents are sampled.
constexpr std::uint64_t kRunEvaluationSeed = 1;

// A run's evaluation steps its envs on every core it may use: the
// environments are independent, so the figures don't depend on the count.
int evaluation_threads(int episodes) {
  return std::clamp(static_cast<int>(std::thread::hardware_concurrency()), 1, episodes);
}

}  // namespace

void add_evaluation_keys(nlohmann::json& record, const EpisodeStatistics& stats) {
  put_statistics(record, stats, "eval_");
}

EpisodeStatistics evaluate_weights(const RunConfig& config, const env::Task& task,
                                   const std::vector<torch::Tensor>& weights, std::int64_t version, int episodes,
                                   torch::Device device) {
  learner::Player player(config.model.model, episodes, device, kRunEvaluationSeed);
  player.load_weights(weights, version);
  return summarize_episodes(run_episodes(task, player, /*greedy=*/true, evaluation_threads(episodes)).outcomes);
}

nlohmann::ordered_json run_final_evaluation(const RunDirectory& run, const RunConfig& config, int episodes,
                                            std::int64_t env_steps) {
  const LoadedPolicy policy = read_policy(run.checkpoints(), config.device);
  const env::Task task = env::Task::load(resolve_task(policy.config.task));
  learner::Player player = make_player(policy, episodes, kRunEvaluationSeed);
  const Evaluation evaluation = run_episodes(task, player, /*greedy=*/true, evaluation_threads(episodes));
  const nlohmann::ordered_json summary =
      evaluation_summary(policy, task, evaluation, /*greedy=*/true, kRunEvaluationSeed);
  write_file_atomic(run.root / "eval_summary.json", summary.dump(2) + "\n");
  nlohmann::json record = {{"env_steps", env_steps}, {"opt_steps", policy.opt_steps}, {"final_eval", true}};
  add_evaluation_keys(record, summarize_episodes(evaluation.outcomes));
  MetricsLog log(run.metrics_jsonl());
  log.append(record);
  log.sync();
  return summary;
}

}  // namespace dreamer
