// dreamer_learner: trains a Dreamer v3 agent. One rank runs every role
// in-process; 2 + A + L ranks run gate, replay, A actors and L learners
// (launch/role_layout.hpp). With no ROM it trains on the project's own
// exit-the-room task (or the static screen in standing_still mode).
#include <torch/version.h>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <unistd.h>

#include "actors/env/task.hpp"
#include "actors/gb/rom.hpp"
#include "common/config_json.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/mpi/mpi_check.hpp"
#include "common/mpi/mpi_session.hpp"
#include "common/run/repro_script.hpp"
#include "common/run/run_directory.hpp"
#include "common/run/run_meta.hpp"
#include "common/run/utc_time.hpp"
#include "common/sha256.hpp"
#include "launch/command_line.hpp"
#include "launch/policy_evaluation.hpp"
#include "launch/progress_line.hpp"
#include "launch/role_layout.hpp"
#include "launch/run_artifacts.hpp"
#include "launch/run_config.hpp"
#include "launch/run_profile.hpp"
#include "launch/run_setup.hpp"
#include "launch/stop_signal.hpp"
#include "launch/training_run.hpp"
#include "replay/replay_dump.hpp"

namespace dreamer {
namespace {

struct CommandLine {
  RunConfig config;
  std::string resume;
  std::optional<double> model_lr;
  std::optional<double> actor_lr;
  std::optional<double> critic_lr;
  std::optional<double> actor_entropy;
  std::optional<double> kl_free_bits;
  std::optional<double> gamma;
  std::optional<int> batch_size;
  std::optional<int> seq_len;
  bool fused_adam = learner::TrainOptions{}.fused_adam;
  bool cuda_graphs = learner::TrainOptions{}.cuda_graphs;
  std::int64_t inject_nan_at_update = 0;
  CopyAuditOptions copy_audit;
  std::optional<int> eval_episodes;
  std::optional<std::int64_t> eval_every;
  std::optional<double> stop_at_success;
  std::set<std::string> given;  // the flags named on the command line

  bool named(const std::string& flag) const { return given.count(flag) > 0; }
};

void add_options(CLI::App& app, CommandLine& line) {
  RunConfig& c = line.config;
  app.add_option("--mode", c.mode, "full (world model + actor/critic) or standing_still (world model, constant action)")
      ->check(CLI::IsMember({"full", "standing_still"}))
      ->capture_default_str();
  app.add_option("--rom", c.task.rom, "Game Boy ROM (the user's own); default: the project's own stage ROM");
  app.add_option("--state", c.task.state, "Start state (project snapshot); default: the stage's");
  app.add_option("--goal-dir", c.task.goal_dir, "Folder with goal_template.npy + goal_template.meta.json");
  app.add_option("--stage", c.task.stage,
                 "Stage id of the project's own stages (states/rl_stages.json); default: the profile's, or "
                 "static_screen in standing_still mode");
  app.add_option("--max-steps", c.task.max_steps, "Episode length limit (0: the stage's)")->capture_default_str();
  app.add_option("--output-tag", c.output_tag, "Tag in the run directory's name")->capture_default_str();
  app.add_option("--runs-root", c.runs_root, "Where run directories are created")->capture_default_str();
  add_device_option(app, "--device", c.device,
                    "Where the learner trains; default: cuda when a CUDA device is present, else cpu. It picks the "
                    "profile of every default marked 'the profile's' (docs/runtime.md, Defaults)")
      ->default_str("");
  add_device_option(app, "--env-backend", c.env_backend,
                    "Where actors run consoles and Player (cuda needs --device cuda); default: the profile's")
      ->default_str("");
  app.add_option("--preset", c.preset, "Model size: tiny, small, default, bench or large; default: the profile's");
  app.add_option("--actors", c.actors,
                 "Actor ranks (multi-rank mode); default: a third of the ranks beside gate and replay, at least 1");
  app.add_option("--learners", c.learners, "Learner ranks (multi-rank mode); default: the rest of those ranks");
  app.add_option("--envs-per-actor", c.envs_per_actor, "Emulated consoles per actor; default: the profile's");
  app.add_option("--env-threads", c.env_threads, "Worker threads per actor's environment")->capture_default_str();
  // 10^15 env steps: decades of any machine; beyond it a typo, not a budget
  // (CLI11 would clamp a 20-digit value to INT64_MAX, a run that never ends).
  app.add_option("--total-env-steps", c.total_env_steps,
                 "Stop after this many env steps (all actors); default: the profile's")
      ->check(CLI::Range(std::int64_t{1}, std::int64_t{1'000'000'000'000'000}));
  app.add_option("--max-seconds", c.max_seconds,
                 "Also stop the training loop after this many seconds of wall time (0: no limit); the final "
                 "greedy evaluation still runs; default: the profile's")
      ->check(CLI::Range(0.0, 1e9));
  app.add_option("--train-ratio", c.replay.train_ratio,
                 "Replayed steps per env step (Dreamer v3 train ratio); default: the profile's");
  app.add_option("--replay-capacity", c.replay.capacity, "Replay steps kept per env stream; default: the profile's");
  app.add_option("--commit-stride", c.replay.commit_stride, "Steps per committed chunk (<= seq_len / 2)")
      ->capture_default_str();
  app.add_option("--min-replay", c.replay.min_size_to_sample,
                 "Env steps in replay before the first update; default: the profile's");
  app.add_option("--log-every", c.log_every_updates, "Updates between metric records")->capture_default_str();
  app.add_option("--weight-sync-every", c.weight_sync_every_updates, "Updates between weight broadcasts")
      ->capture_default_str();
  app.add_option("--checkpoint-every", c.checkpoint_every_updates, "Updates between checkpoints (0: at the end)")
      ->capture_default_str();
  app.add_option("--standing-still-action", c.standing_still_action, "Action held in standing_still mode (0..7)")
      ->capture_default_str();
  app.add_flag("--greedy", c.greedy, "Actors act greedily (argmax) instead of sampling");
  app.add_option("--seed", c.seed, "Random seed")->capture_default_str();
  app.add_option("--model-lr", line.model_lr, "World-model learning rate (default: the preset's)")
      ->check(CLI::PositiveNumber);
  app.add_option("--actor-lr", line.actor_lr, "Actor learning rate (default: the preset's)")
      ->check(CLI::PositiveNumber);
  app.add_option("--critic-lr", line.critic_lr, "Critic learning rate (default: the preset's)")
      ->check(CLI::PositiveNumber);
  app.add_option("--actor-entropy", line.actor_entropy,
                 "Weight of the actor's entropy bonus (default: the preset's, Dreamer v3's 3e-4)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--kl-free-bits", line.kl_free_bits,
                 "Nats of KL (summed over the latent's variables) below which the KL terms give no gradient "
                 "(default: the preset's, Dreamer v3's 1)")
      ->check(CLI::Range(0.0, 100.0));
  app.add_option("--gamma", line.gamma,
                 "Discount of the imagined returns (default: the preset's, Dreamer v3's 1 - 1/333)")
      ->check(CLI::Range(0.5, 1.0));
  app.add_option("--batch-size", line.batch_size,
                 "Sequences per update; default: the profile's, or the preset's when --preset is given")
      ->check(CLI::Range(1, 4096));
  app.add_option("--seq-len", line.seq_len,
                 "Steps per training sequence; default: the profile's, or the preset's when --preset is given")
      ->check(CLI::Range(2, 4096));
  app.add_flag("--fused-adam,!--no-fused-adam", line.fused_adam,
               "CUDA: one fused Adam kernel per optimizer step (default: on)");
  app.add_flag("--cuda-graphs,!--no-cuda-graphs", line.cuda_graphs,
               "CUDA: replay the learner update as CUDA graphs (default: on)");
  app.add_option("--inject-nan-at-update", line.inject_nan_at_update,
                 "TEST ONLY: give update K's batch a NaN reward, to exercise the non-finite check and its "
                 "failure bundle (0: never)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--copy-audit", line.copy_audit.updates,
                 "GPU gate: trace this many updates with CUPTI after the warm-up and fail on any host<->device copy "
                 "the allow-list does not declare (copy_audit.json, gpu_activity.json; one process only)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--copy-audit-warmup", line.copy_audit.warmup_updates, "Updates before the copy audit window")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--copy-allow-list", line.copy_audit.allow_list,
                 "Allow-list JSON of the copy audit (docs/copy_audit.md), e.g. gates/copy_allow_list.json");
  app.add_option("--eval-episodes", line.eval_episodes,
                 "Episodes of the greedy evaluation that ends the run (eval_summary.json, last metrics record); "
                 "default: the profile's. Skipped in standing_still mode and after a stop signal")
      ->check(CLI::Range(1, 4096));
  app.add_option("--eval-every", line.eval_every,
                 "Updates between greedy evaluations during training (a periodic_eval metrics record each; 0: only "
                 "the final one); default: the profile's")
      ->check(CLI::Range(std::int64_t{0}, std::int64_t{1'000'000'000}));
  app.add_option("--stop-at-success", line.stop_at_success,
                 "End training once two greedy evaluations in a row reach this success rate (0: never); default: "
                 "the profile's")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--resume", line.resume, "Continue the run in this run directory (its config.json is used)");
}

// A resumed run keeps its config.json: a flag that would shape it is refused
// rather than silently ignored. Empty when none was given. The evaluation
// flags are this invocation's, not part of config.json (RunInvocation).
std::string flag_beside_resume(const CommandLine& line) {
  static const std::set<std::string> kAllowed = {"--resume", "--eval-episodes", "--eval-every", "--stop-at-success"};
  if (!line.named("--resume")) return "";
  for (const std::string& name : line.given)
    if (kAllowed.count(name) == 0) return name;
  return "";
}

// The profile of this run: the one of --device when given, else of the
// device this machine offers.
const RunProfile& chosen_profile(const CommandLine& line) {
  return profile_for(line.named("--device") ? line.config.device : detect_device());
}

// The run's greedy evaluations: the command line's values, else the
// profile's of the run's device (a resumed run's too).
EvaluationPlan evaluation_plan(const CommandLine& line, const RunConfig& config) {
  const RunProfile& profile = profile_for(config.device);
  EvaluationPlan plan;
  plan.episodes = line.eval_episodes.value_or(profile.eval_episodes);
  plan.every_updates = line.eval_every.value_or(profile.eval_every_updates);
  plan.stop_at_success = line.stop_at_success.value_or(profile.stop_at_success);
  if (config.standing_still()) plan = {};  // nothing to evaluate: no goal
  return plan;
}

// The command line's values, and the profile's for every learning value it
// does not name (launch/run_profile.hpp).
RunConfig build_config(CommandLine& line, int world_size) {
  RunConfig config = line.config;
  apply_profile(chosen_profile(line), line.given, config);
  if (world_size > 1) {
    const auto named = [&line](const char* flag, int value) {
      return line.named(flag) ? std::optional<int>(value) : std::nullopt;
    };
    std::tie(config.actors, config.learners) =
        RoleLayout::split_world(world_size, named("--actors", config.actors), named("--learners", config.learners));
  }
  const replay::ReplayOptions defaults;
  if (line.model_lr) config.model.train.model_lr = *line.model_lr;
  if (line.actor_lr) config.model.train.actor_lr = *line.actor_lr;
  if (line.critic_lr) config.model.train.critic_lr = *line.critic_lr;
  if (line.actor_entropy) config.model.train.actor_entropy = *line.actor_entropy;
  if (line.kl_free_bits) config.model.train.kl_free_bits = *line.kl_free_bits;
  if (line.gamma) config.model.train.gamma = *line.gamma;
  if (line.batch_size) config.model.train.batch_size = *line.batch_size;
  if (line.seq_len) config.model.train.seq_len = *line.seq_len;
  config.model.train.fused_adam = line.fused_adam;
  config.model.train.cuda_graphs = line.cuda_graphs;
  config.replay.safety_margin = defaults.safety_margin;
  config.derive_limiter_tolerance();
  config.replay.max_samplers = defaults.max_samplers;
  config.derive_replay_layout();
  config.validate();
  return config;
}

RunMeta describe_run(const RunConfig& config, const RoleLayout& layout, int argc, char** argv) {
  RunMeta meta;
  meta.created_utc = utc_now_iso8601();
  meta.host = host_name();
  for (int i = 0; i < argc; ++i) meta.command_line += (i ? " " : "") + std::string(argv[i]);
  const env::TaskSpec task = resolve_task(config.task);
  meta.rom_path = task.rom.string();
  meta.rom_sha256 = sha256_hex(gb::read_rom_file(task.rom));
  if (!task.start_state.empty()) {
    meta.state_path = task.start_state.string();
    meta.state_sha256 = sha256_file_hex(task.start_state);
  }
  if (!task.goal_dir.empty()) {
    meta.goal_dir = task.goal_dir.string();
    meta.goal_sha256 = sha256_file_hex(task.goal_dir / "goal_template.npy");
  }
  meta.device = device_name(config.device);
  meta.versions = collect_runtime_versions();
  meta.versions.torch = TORCH_VERSION;
  meta.git = read_git_info();
  meta.ranks.world_size = layout.world_size();
  meta.ranks.actor_ranks = layout.single_process() ? 0 : layout.actors();
  meta.ranks.learner_ranks = layout.single_process() ? 0 : layout.learners();
  meta.ranks.gate_ranks = layout.single_process() ? 0 : 1;
  meta.ranks.replay_ranks = layout.single_process() ? 0 : 1;
  meta.ranks.single_process = layout.single_process();
  return meta;
}

std::string broadcast_string(std::string text, int root) {
  std::int64_t size = static_cast<std::int64_t>(text.size());
  DREAMER_CHECK_MPI(MPI_Bcast(&size, 1, MPI_INT64_T, root, MPI_COMM_WORLD));
  text.resize(static_cast<std::size_t>(size));
  DREAMER_CHECK_MPI(MPI_Bcast(text.data(), static_cast<int>(size), MPI_CHAR, root, MPI_COMM_WORLD));
  return text;
}

// The exact command, for repro.sh and failure bundles: this executable by
// its absolute path, then the arguments as given. A multi-rank run goes back
// through mpirun with its rank count (one rank would run every role
// in-process instead).
RunInvocation describe_invocation(int argc, char** argv, const CommandLine& line, int world_size) {
  std::vector<std::string> words;
  if (world_size > 1) {
    words = {"mpirun", "-np", std::to_string(world_size)};
    if (::geteuid() == 0) words.emplace_back("--allow-run-as-root");
  }
  words.push_back(std::filesystem::canonical("/proc/self/exe").string());
  for (int i = 1; i < argc; ++i) words.emplace_back(argv[i]);
  RunInvocation invocation;
  invocation.resume = !line.resume.empty();
  invocation.command_line = shell_command_line(words);
  invocation.working_directory = std::filesystem::current_path().string();
  invocation.inject_nan_at_update = line.inject_nan_at_update;
  invocation.copy_audit = line.copy_audit;
  return invocation;
}

int run(int argc, char** argv, CommandLine& line) {
  const CommandLine& parsed = line;
  MpiSession mpi;
  check_world_matches_launcher(mpi.world_size(), launcher_world_size());
  install_stop_handlers();
  const int rank = mpi.world_rank();
  RunInvocation invocation = describe_invocation(argc, argv, line, mpi.world_size());
  try {
    // Rank 0 builds (or, on --resume, reads) the config and the run directory;
    // every rank then uses the same config text.
    std::string config_text;
    std::string run_root;
    std::string error;
    if (rank == 0) {
      try {
        if (!parsed.resume.empty()) {
          // The config is checked before the run directory is opened (which
          // adds its folders) or any role touches it.
          const RunDirectory candidate{parsed.resume};
          if (std::filesystem::is_regular_file(candidate.config_json())) {
            config_text = read_file_text(candidate.config_json());
            (void)config_from_json<RunConfig>(config_text, candidate.config_json().string());
          }
          // So is the replay dump: a damaged one is bad input (exit 2) found
          // before any role starts, not a failed run.
          if (std::filesystem::is_regular_file(candidate.replay_h5()))
            replay::verify_replay_dump(candidate.replay_h5());
          const RunDirectory existing = open_run_directory(parsed.resume);
          run_root = existing.root.string();
        } else {
          const RunConfig config = build_config(line, mpi.world_size());
          const RoleLayout layout = RoleLayout::for_world(mpi.world_size(), config.actors, config.learners);
          const env::TaskSpec task = resolve_task(config.task);
          // ROM, start state and goal are checked before a run directory
          // exists, so that bad input leaves nothing behind.
          (void)env::Task::load(task);
          const RunMeta meta = describe_run(config, layout, argc, argv);
          const RunDirectory run_dir = create_run_directory(config.runs_root, std::chrono::system_clock::now(),
                                                            task.rom.stem().string(), config.output_tag);
          try {
            config_text = config_to_json(config);
            write_file_atomic(run_dir.config_json(), config_text);
            write_file_atomic(run_dir.meta_json(), to_json(meta).dump(2) + "\n");
            write_run_repro_script(run_dir, invocation);
          } catch (const std::exception&) {
            std::error_code ignored;
            std::filesystem::remove_all(run_dir.root, ignored);  // a half-made run is no run
            throw;
          }
          run_root = run_dir.root.string();
        }
      } catch (const std::exception& caught) {
        error = caught.what();
      }
    }
    error = broadcast_string(error, 0);
    if (!error.empty()) {
      if (rank == 0) std::fprintf(stderr, "dreamer_learner: %s\n", error.c_str());
      return 2;
    }
    config_text = broadcast_string(config_text, 0);
    run_root = broadcast_string(run_root, 0);
    const RunConfig config = config_from_json<RunConfig>(config_text, run_root + "/config.json");
    const RoleLayout layout = RoleLayout::for_world(mpi.world_size(), config.actors, config.learners);
    const RunDirectory run_dir{run_root};
    invocation.evaluation = evaluation_plan(parsed, config);
    if (rank == 0) {
      if (parsed.resume.empty())
        std::printf("%s\n", profile_line(profile_for(config.device), parsed.named("--device")).c_str());
      std::printf("%s\n", learning_settings_line(config, invocation.evaluation).c_str());
      std::fflush(stdout);
    }
    const RunOutcome outcome = layout.single_process() ? run_single_process(config, run_dir, invocation)
                                                       : run_mpi_roles(config, run_dir, layout, rank, invocation);
    if (rank == 0) {
      std::printf("dreamer_learner: %s after %lld env steps, %lld updates; run directory %s\n",
                  outcome.stopped_by_signal ? "stopped by signal"
                  : outcome.reached_target  ? "reached the greedy success target"
                                            : "finished",
                  static_cast<long long>(outcome.env_steps), static_cast<long long>(outcome.opt_steps),
                  run_root.c_str());
      std::fflush(stdout);
      if (outcome.stopped_by_signal || config.standing_still()) {
        std::printf("dreamer_learner: no greedy evaluation (%s)\n",
                    outcome.stopped_by_signal ? "stopped by signal: --resume finishes the run" : "standing_still mode");
      } else {
        const nlohmann::ordered_json summary =
            run_final_evaluation(run_dir, config, invocation.evaluation.episodes, outcome.env_steps);
        std::printf("%s\n", evaluation_line(summary).c_str());
      }
    }
    return 0;
  } catch (const std::exception& caught) {
    std::fprintf(stderr, "dreamer_learner (rank %d): %s\n", rank, caught.what());
    std::fflush(stderr);
    if (mpi.world_size() > 1) MPI_Abort(MPI_COMM_WORLD, 1);
    return 1;
  }
}

}  // namespace
}  // namespace dreamer

int main(int argc, char** argv) {
  dreamer::CommandLine line;
  CLI::App app{
      "Trains a Dreamer v3 agent on a Game Boy task (one rank: every role in-process; 2 + A + L ranks: "
      "gate, replay, A actors, L learners)."};
  dreamer::add_options(app, line);
  if (const auto status = dreamer::parse_command_line(app, argc, argv, "dreamer_learner")) return *status;
  for (const CLI::Option* option : app.get_options())
    if (option->count() > 0) line.given.insert(option->get_name());
  if (const std::string flag = dreamer::flag_beside_resume(line); !flag.empty()) {
    std::fprintf(stderr,
                 "dreamer_learner: %s cannot be given with --resume (the run continues with its own config.json)\n",
                 flag.c_str());
    return 2;
  }
  try {
    return dreamer::run(argc, argv, line);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "dreamer_learner: %s\n", error.what());
    return 2;
  }
}
