// dreamer_eval: runs the policy of a dreamer_learner checkpoint for N
// episodes of the run's own task and says how it did
// (launch/policy_evaluation.hpp holds the evaluation itself).
//
// Outputs: a summary JSON (stdout, and --output), per-step trajectories
// (--trajectory, JSONL) and the best-return episode as a GIF (--gif), as
// docs/file_formats.md ("Evaluation") describes. Bad input is one line on
// stderr and exit code 2; a failure while running is one line and exit 1.
#include <torch/torch.h>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <string>
#include <vector>

#include "actors/env/batched_env.hpp"
#include "actors/env/task.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/packed2.hpp"
#include "common/run/metrics_log.hpp"
#include "launch/command_line.hpp"
#include "launch/policy_evaluation.hpp"
#include "launch/run_setup.hpp"
#if defined(DREAMER_HAS_GIF)
#include "common/media/gif_writer.hpp"
#include "common/media/image.hpp"
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
  Device device = Device::kCpu;
  std::uint64_t seed = 1;
  std::string gif;
  int env_threads = 1;
};

// Output files are checked before the episodes run, not after; a folder in
// the place of an output file is refused, never replaced.
void require_output_folder(const std::string& option, const std::string& path) {
  if (path.empty()) return;
  if (fs::is_directory(path)) throw Error(option + ": '" + path + "' is a directory, not a file");
  const fs::path folder = fs::path(path).parent_path();
  if (!folder.empty() && !fs::is_directory(folder))
    throw Error(option + ": folder '" + folder.string() + "' does not exist");
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
                  {"reward", shortest_decimal(steps[step].reward)},
                  {"dist", shortest_decimal(steps[step].dist)},
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

void add_options(CLI::App& app, CommandLine& line) {
  app.add_option("--checkpoint", line.checkpoint,
                 "Checkpoint file (ckpt_<n>.h5) or a run's checkpoints/ folder (its `latest` is used)")
      ->required();
  // All episodes run at once, one console and one recorded trajectory each:
  // past a few thousand that is memory, not statistics (the learner's
  // --eval-episodes has the same bound).
  app.add_option("--episodes", line.episodes, "Episodes to run (one env each, stepped together)")
      ->check(CLI::Range(1, 4096))
      ->capture_default_str();
  app.add_flag("--greedy", line.greedy, "Act greedily (argmax) instead of sampling from the policy");
  app.add_option("--trajectory", line.trajectory, "Write every step as one JSON line to this file (JSONL)");
  app.add_option("--output", line.output, "Also write the summary JSON to this file (it always goes to stdout)");
  add_device_option(app, "--device", line.device, "Where the policy network runs (envs always run on CPU)");
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
    policy = read_policy(line.checkpoint, line.device);
    task = std::make_unique<env::Task>(env::Task::load(resolve_task(policy.config.task)));
    // One intra-op thread on CPU: reruns with one seed give the same summary.
    if (policy.device.is_cpu()) torch::set_num_threads(1);
    player = std::make_unique<learner::Player>(make_player(policy, line.episodes, line.seed));
  } catch (const std::exception& error) {
    std::fprintf(stderr, "dreamer_eval: %s\n", first_line(error.what()).c_str());
    return 2;
  }
  try {
    const Evaluation evaluation = run_episodes(*task, *player, line.greedy, line.env_threads);
    if (!line.trajectory.empty()) write_trajectory(line.trajectory, evaluation);
#if defined(DREAMER_HAS_GIF)
    if (!line.gif.empty()) write_episode_gif(line.gif, *task, evaluation.episodes[best_episode(evaluation)]);
#endif
    const std::string summary = evaluation_summary(policy, *task, evaluation, line.greedy, line.seed).dump(2) + "\n";
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
  if (const auto status = dreamer::parse_command_line(app, argc, argv, "dreamer_eval")) return *status;
  return dreamer::run(line);
}
