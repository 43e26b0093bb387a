// dreamer_eval: runs the policy of a dreamer_learner checkpoint for N
// episodes of the run's own task and says how it did.
//
//   checkpoint (file or checkpoints/ folder) --> config JSON --> task, model sizes
//             --> world_model + actor weights --> Player (encoder, RSSM, actor)
//   N CPU envs, one episode each, stepped together until every episode has
//   terminated (goal reached) or been truncated (the task's max_steps)
//
// Outputs: a summary JSON (stdout, and --output), per-step trajectories
// (--trajectory, JSONL) and the best-return episode as a GIF (--gif), as
// docs/file_formats.md ("Evaluation") describes. Bad input is one line on
// stderr and exit code 2; a failure while running is one line and exit 1.
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <charconv>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "actors/env/batched_env.hpp"
#include "actors/env/task.hpp"
#include "actors/episode_statistics.hpp"
#include "common/config_json.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/hdf5_check.hpp"
#include "common/metrics_log.hpp"
#include "common/packed2.hpp"
#include "common/sha256.hpp"
#include "launch/run_config.hpp"
#include "launch/run_setup.hpp"
#include "learner/checkpoint.hpp"
#include "learner/dreamer_agent.hpp"
#include "learner/player.hpp"
#if defined(DREAMER_HAS_GIF)
#include "common/gif_writer.hpp"
#include "common/image.hpp"
#endif

namespace dreamer {
namespace {

namespace fs = std::filesystem;

struct CommandLine {
  std::string checkpoint;
  int episodes = 8;
  bool greedy = false;
  std::string trajectory;
  std::string output;
  std::string device = "cpu";
  std::uint64_t seed = 1;
  std::string gif;
  int env_threads = 1;
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
  std::vector<actors::EpisodeOutcome> outcomes;
};

// The policy a checkpoint holds, with the run it came from.
struct LoadedPolicy {
  fs::path file;
  std::string file_sha256;
  std::int64_t opt_steps = 0;
  RunConfig config;
  torch::Device device{torch::kCPU};
};

// The shortest decimal that reads back as the same float: rewards and
// distances print as -0.01, not -0.009999999776482582.
double shortest(float value) {
  char text[32];
  const auto result = std::to_chars(text, text + sizeof(text), value);
  return std::stod(std::string(text, result.ptr));
}

std::string first_line(const std::string& text) { return text.substr(0, text.find('\n')); }

// Output files are checked before the episodes run, not after.
void require_output_folder(const std::string& option, const std::string& path) {
  if (path.empty()) return;
  const fs::path folder = fs::path(path).parent_path();
  if (!folder.empty() && !fs::is_directory(folder))
    throw Error(option + ": folder '" + folder.string() + "' does not exist");
}

LoadedPolicy read_policy(const CommandLine& line) {
  silence_hdf5_errors();
  const learner::CheckpointConfig stored = learner::read_checkpoint_config(line.checkpoint);
  LoadedPolicy policy;
  policy.file = stored.info.file;
  policy.opt_steps = stored.info.opt_steps;
  policy.config = config_from_json<RunConfig>(stored.config_json, "checkpoint '" + policy.file.string() + "' config");
  RunConfig device_config = policy.config;
  device_config.device = line.device;
  policy.device = torch::Device(learner_device(device_config, 0));
  policy.file_sha256 = sha256_file_hex(policy.file);
  return policy;
}

// Loads the world model and actor of the checkpoint into a Player for `envs`
// envs (optimizer state and generator states are not needed to act).
learner::Player make_player(const LoadedPolicy& policy, int envs) {
  learner::DreamerAgent agent(policy.config.model, policy.device);
  learner::CheckpointState state;
  for (auto& [name, module] : agent.named_modules()) {
    if (name == "world_model" || name == "actor") state.modules.push_back({name, module.get()});
  }
  learner::CheckpointLoadOptions options;
  options.restore_torch_rng = false;
  learner::load_checkpoint(policy.file, state, options);
  learner::Player player(policy.config.model.model, envs, policy.device);
  player.load_weights(agent.player_weights(), policy.opt_steps);
  return player;
}

// Runs one episode in each of the player's envs; envs whose episode has ended
// keep stepping (they restart) until the last episode ends, but are no longer
// recorded.
Evaluation run_episodes(const env::Task& task, learner::Player& player, bool greedy, int env_threads) {
  const int n = static_cast<int>(player.num_envs());
  auto environment = env::make_batched_env(task, {env::Backend::kCpu, n, env_threads, 0});
  env::HostBatch batch(n);
  environment->reset(nullptr, batch.view());
  Evaluation evaluation;
  evaluation.episodes.resize(static_cast<std::size_t>(n));
  evaluation.outcomes.resize(static_cast<std::size_t>(n));
  std::vector<std::uint8_t> actions(static_cast<std::size_t>(n), 0);
  std::vector<bool> ended(static_cast<std::size_t>(n), false);
  int running = n;
  while (running > 0) {
    const torch::Tensor obs =
        torch::from_blob(batch.observation.data(), {n, packed2::kHeight, packed2::kBytesPerRow}, torch::kUInt8);
    const torch::Tensor is_first = torch::from_blob(batch.is_first.data(), {n}, torch::kUInt8);
    const torch::Tensor chosen = player.act(obs, is_first, greedy).to(torch::kCPU, torch::kUInt8).contiguous();
    std::copy_n(chosen.data_ptr<std::uint8_t>(), n, actions.begin());
    environment->step(actions.data(), batch.view());
    for (int e = 0; e < n; ++e) {
      const auto index = static_cast<std::size_t>(e);
      if (ended[index]) continue;
      const StepRecord step{actions[index], batch.reward[index], batch.dist[index], batch.terminated[index] != 0,
                            batch.truncated[index] != 0};
      evaluation.episodes[index].push_back(step);
      // Statistics of the values as the trajectory file prints them.
      actors::EpisodeOutcome& outcome = evaluation.outcomes[index];
      outcome.episode_return += shortest(step.reward);
      outcome.length += 1;
      outcome.end_dist = shortest(step.dist);
      if (step.terminated || step.truncated) {
        outcome.success = step.terminated;
        ended[index] = true;
        --running;
      }
    }
  }
  return evaluation;
}

void write_trajectory(const fs::path& path, const Evaluation& evaluation) {
  std::error_code ignored;
  fs::remove(path, ignored);  // MetricsLog appends: start a fresh file
  MetricsLog log(path);
  for (std::size_t episode = 0; episode < evaluation.episodes.size(); ++episode) {
    const std::vector<StepRecord>& steps = evaluation.episodes[episode];
    for (std::size_t step = 0; step < steps.size(); ++step) {
      log.append({{"episode", episode},
                  {"step", step + 1},
                  {"action", steps[step].action},
                  {"reward", shortest(steps[step].reward)},
                  {"dist", shortest(steps[step].dist)},
                  {"terminated", steps[step].terminated},
                  {"truncated", steps[step].truncated}});
    }
  }
  log.sync();
}

#if defined(DREAMER_HAS_GIF)
// The episode with the highest return (the first of equals).
std::size_t best_episode(const Evaluation& evaluation) {
  const auto& outcomes = evaluation.outcomes;
  const auto best = std::max_element(outcomes.begin(), outcomes.end(),
                                     [](const auto& a, const auto& b) { return a.episode_return < b.episode_return; });
  return static_cast<std::size_t>(best - outcomes.begin());
}

// Replays one episode's actions on a fresh env (the emulator is
// deterministic) and writes what the agent saw, 80x72 shown at 160x144: the
// reset observation, then one frame per step.
void write_episode_gif(const fs::path& path, const env::Task& task, const std::vector<StepRecord>& steps) {
  auto environment = env::make_batched_env(task, {env::Backend::kCpu, 1, 1, 0});
  env::HostBatch batch(1);
  std::vector<std::uint8_t> shades(packed2::kPixelsPerFrame);
  std::vector<Image> frames;
  const auto add_frame = [&] {
    packed2::unpack_frame(batch.observation.data(), shades.data());
    frames.push_back(image_from_shades(shades.data(), packed2::kWidth, packed2::kHeight, 2));
  };
  environment->reset(nullptr, batch.view());
  add_frame();
  for (const StepRecord& step : steps) {
    environment->step(&step.action, batch.view());
    if (batch.reward[0] != step.reward || batch.dist[0] != step.dist)
      throw Error("replaying the best episode for the GIF gave other rewards than the evaluation");
    add_frame();
  }
  write_gif(path, frames, 10);
}
#endif

nlohmann::ordered_json summary_json(const LoadedPolicy& policy, const CommandLine& line, const env::Task& task,
                                    const Evaluation& evaluation) {
  std::int64_t env_steps = 0;
  for (const actors::EpisodeOutcome& outcome : evaluation.outcomes) env_steps += outcome.length;
  const int max_steps = task.goal_params().max_steps;
  const actors::EpisodeStatistics stats = actors::summarize_episodes(evaluation.outcomes, max_steps, env_steps);
  nlohmann::ordered_json summary;
  summary["episodes"] = stats.episodes;
  summary["success_rate"] = stats.success_rate;
  summary["done_rate"] = stats.done_rate;
  summary["mean_return"] = stats.mean_return;
  summary["episode_length_mean"] = stats.episode_length_mean;
  summary["steps_to_goal_p50"] = stats.steps_to_goal_p50 ? nlohmann::ordered_json(*stats.steps_to_goal_p50) : nullptr;
  summary["dist_p10"] = stats.dist_p10;
  summary["dist_p50"] = stats.dist_p50;
  summary["dist_p90"] = stats.dist_p90;
  summary["greedy"] = line.greedy;
  summary["checkpoint"] = fs::absolute(policy.file).lexically_normal().string();
  summary["checkpoint_sha256"] = policy.file_sha256;
  const TaskConfig& task_config = policy.config.task;
  summary["details"] = {{"opt_steps", policy.opt_steps},  {"seed", line.seed},
                        {"device", policy.device.str()},  {"env_steps", env_steps},
                        {"max_steps", max_steps},         {"successes", stats.successes},
                        {"mode", policy.config.mode},     {"stage", task_config.rom.empty() ? task_config.stage : ""},
                        {"rom_sha256", task.rom_sha256()}};
  return summary;
}

void add_options(CLI::App& app, CommandLine& line) {
  app.add_option("--checkpoint", line.checkpoint,
                 "Checkpoint file (ckpt_<n>.h5) or a run's checkpoints/ folder (its `latest` is used)")
      ->required();
  app.add_option("--episodes", line.episodes, "Episodes to run (one env each, stepped together)")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  app.add_flag("--greedy", line.greedy, "Act greedily (argmax) instead of sampling from the policy");
  app.add_option("--trajectory", line.trajectory, "Write every step as one JSON line to this file (JSONL)");
  app.add_option("--output", line.output, "Also write the summary JSON to this file (it always goes to stdout)");
  app.add_option("--device", line.device, "Where the policy network runs: cpu or cuda (envs always run on CPU)")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  app.add_option("--seed", line.seed, "Seed of the policy's action sampling")->capture_default_str();
  app.add_option("--gif", line.gif, "Write the best-return episode as an animated GIF (what the agent saw)");
  app.add_option("--env-threads", line.env_threads, "CPU worker threads stepping the envs (0: all cores)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
}

int run(const CommandLine& line) {
#if !defined(DREAMER_HAS_GIF)
  if (!line.gif.empty()) {
    std::fprintf(stderr, "dreamer_eval: --gif needs the GIF writer, which this build lacks (giflib not found)\n");
    return 2;
  }
#endif
  // Bad input: output folders, the checkpoint, its config, the task it
  // names, the device.
  LoadedPolicy policy;
  std::unique_ptr<env::Task> task;
  std::unique_ptr<learner::Player> player;
  try {
    require_output_folder("--trajectory", line.trajectory);
    require_output_folder("--output", line.output);
    require_output_folder("--gif", line.gif);
    policy = read_policy(line);
    task = std::make_unique<env::Task>(env::Task::load(resolve_task(policy.config.task)));
    // One intra-op thread on CPU: reruns with one seed give the same summary.
    if (policy.device.is_cpu()) torch::set_num_threads(1);
    player = std::make_unique<learner::Player>(make_player(policy, line.episodes));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "dreamer_eval: %s\n", first_line(error.what()).c_str());
    return 2;
  }
  try {
    torch::manual_seed(line.seed);
    const Evaluation evaluation = run_episodes(*task, *player, line.greedy, line.env_threads);
    if (!line.trajectory.empty()) write_trajectory(line.trajectory, evaluation);
#if defined(DREAMER_HAS_GIF)
    if (!line.gif.empty()) write_episode_gif(line.gif, *task, evaluation.episodes[best_episode(evaluation)]);
#endif
    const std::string summary = summary_json(policy, line, *task, evaluation).dump(2) + "\n";
    if (!line.output.empty()) write_file_atomic(line.output, summary);
    std::cout << summary << std::flush;
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "dreamer_eval: %s\n", first_line(error.what()).c_str());
    return 1;
  }
}

}  // namespace
}  // namespace dreamer

int main(int argc, char** argv) {
  dreamer::CommandLine line;
  CLI::App app{
      "Runs the policy of a dreamer_learner checkpoint for N episodes of the run's task (from the checkpoint's "
      "config) and writes a summary JSON, optionally per-step trajectories (JSONL) and a GIF of the best episode."};
  dreamer::add_options(app, line);
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& help) {
    return app.exit(help);
  } catch (const CLI::ParseError& error) {
    std::fprintf(stderr, "dreamer_eval: %s\n", error.what());
    return 2;
  }
  return dreamer::run(line);
}
