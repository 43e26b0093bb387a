// dreamer_stage: makes training stages from any ROM and state (docs/stages.md).
//
//   dreamer_stage state  --rom ROM [--from STATE] [--script FILE] --out START.state
//   dreamer_stage goal   --rom ROM --state STATE [--script FILE] --out GOAL_DIR [--tau 0.05] [--k 4]
//   dreamer_stage add    --stages rl_stages.json --id ID --name NAME --start-state PATH --goal-dir PATH
//                        --max-steps N [--rom FILE] [--status ready]
//   dreamer_stage render --rom ROM --state STATE --out PNG [--full] [--scale N]
//
// States are project snapshots or PyBoy `.state` files; the states written are
// project snapshots. Every input is loaded and replayed before anything is
// written, and an existing output is refused unless --force says to replace
// it, so a bad command changes nothing.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <filesystem>
#include <optional>
#include <string>

#include "actors/env/button_script.hpp"
#include "actors/env/goal_template.hpp"
#include "actors/env/rl_stages.hpp"
#include "actors/env/stage_capture.hpp"
#include "actors/gb/emulator.hpp"
#include "actors/gb/snapshot.hpp"
#include "actors/gb/start_state.hpp"
#include "common/error.hpp"
#include "common/media/image.hpp"
#include "common/media/png_writer.hpp"
#include "common/packed2.hpp"
#include "launch/command_line.hpp"

namespace fs = std::filesystem;

namespace dreamer {
namespace {

// What `state`, `goal` and `render` share: the ROM, the state to start from
// (power-on when none), the actions replayed from it, the step schedule.
struct Replay {
  std::string rom;
  std::string state;
  std::string script;
  int episode = 0;
  StepSchedule schedule;
};

void add_replay_options(CLI::App& command, Replay& replay, const char* state_flag, bool state_required) {
  command.add_option("--rom", replay.rom, "The game's ROM image")->required();
  auto* state = command.add_option(state_flag, replay.state, "State to start from (project snapshot or PyBoy .state)");
  if (state_required) state->required();
  command.add_option("--script", replay.script,
                     "Actions to replay from the state first: names or 0-7 (UP*3 repeats), or a dreamer_eval "
                     "trajectory JSONL");
  command.add_option("--episode", replay.episode, "The trajectory's episode to replay (JSONL scripts)")
      ->capture_default_str();
  command.add_option("--frames-per-step", replay.schedule.frames_per_step, "Frames per env step")
      ->capture_default_str();
  command.add_option("--release-after-frames", replay.schedule.release_after_frames, "Frames the button is held")
      ->capture_default_str();
}

struct Loaded {
  gb::Rom rom;
  gb::Console console;
  std::size_t steps = 0;  // replayed
};

Loaded load_and_replay(const Replay& replay) {
  replay.schedule.validate();
  Loaded loaded{gb::load_rom(replay.rom), gb::Console{}};
  if (replay.state.empty()) {
    gb::power_on(loaded.console, loaded.rom.view());
  } else {
    loaded.console = gb::load_start_state_file(replay.state, loaded.rom);
  }
  if (!replay.script.empty()) {
    const std::vector<std::uint8_t> actions = env::load_button_script(replay.script, replay.episode);
    env::replay_actions(loaded.console, loaded.rom, replay.schedule, actions);
    loaded.steps = actions.size();
  }
  return loaded;
}

std::string from_where(const Replay& replay, std::size_t steps) {
  return std::to_string(steps) + " steps from " + (replay.state.empty() ? "power-on" : replay.state);
}

// Every output (a file or the goal folder) goes into a folder that exists.
void require_parent_folder(const fs::path& path) {
  const fs::path folder = path.parent_path().empty() ? fs::path(".") : path.parent_path();
  if (!fs::is_directory(folder)) throw Error("--out: folder '" + folder.string() + "' does not exist");
}

// An output file may be replaced only with --force.
void check_output_file(const fs::path& path, bool force) {
  require_parent_folder(path);
  if (fs::is_directory(path)) throw Error("--out: '" + path.string() + "' is a folder");
  if (fs::exists(path) && !force) throw Error("--out: '" + path.string() + "' exists (--force replaces it)");
}

void check_goal_folder(const fs::path& dir, bool force) {
  require_parent_folder(dir);
  if (fs::exists(dir) && !fs::is_directory(dir)) throw Error("--out: '" + dir.string() + "' is not a folder");
  for (const char* name : {"goal_template.npy", "goal_template.meta.json", "goal_source.state"})
    if (fs::exists(dir / name) && !force)
      throw Error("--out: '" + dir.string() + "' already holds a goal (" + name + "; --force replaces it)");
}

int run_state(const Replay& replay, const std::string& out, bool force) {
  check_output_file(out, force);
  const Loaded loaded = load_and_replay(replay);
  gb::save_snapshot_file(loaded.console, loaded.rom, out);
  std::printf("dreamer_stage: wrote %s (%s)\n", out.c_str(), from_where(replay, loaded.steps).c_str());
  return 0;
}

int run_goal(const Replay& replay, const std::string& out, const env::GoalCapture& capture, bool force) {
  if (!(capture.tau > 0.0 && capture.tau < 1.0)) throw Error("--tau: must be in (0, 1)");
  if (capture.k_consecutive < 1) throw Error("--k: must be >= 1");
  check_goal_folder(out, force);
  const Loaded loaded = load_and_replay(replay);
  env::capture_goal(loaded.console, loaded.rom, replay.schedule, out,
                    {fs::path(replay.rom).filename().string(), capture.tau, capture.k_consecutive});
  std::printf("dreamer_stage: wrote goal folder %s (%s; tau %g, k %d)\n", out.c_str(),
              from_where(replay, loaded.steps).c_str(), capture.tau, capture.k_consecutive);
  return 0;
}

int run_render(const Replay& replay, const std::string& out, bool full, int scale, bool force) {
  if (scale < 1 || scale > 16) throw Error("--scale: must be 1-16");
  check_output_file(out, force);
  const Loaded loaded = load_and_replay(replay);
  const env::StateView view = env::view_state(loaded.console, loaded.rom, replay.schedule);
  const Image image = full ? image_from_shades(view.full_frame.data(), gb::kScreenWidth, gb::kScreenHeight, scale)
                           : image_from_shades(view.shades.data(), packed2::kWidth, packed2::kHeight, scale);
  write_png(out, image);
  std::printf("dreamer_stage: wrote %s (%dx%d, %s)\n", out.c_str(), image.width, image.height,
              from_where(replay, loaded.steps).c_str());
  return 0;
}

// Paths in a stage list are relative to the folder that holds its states/
// folder: `root`. The new entry's files must be there, and its goal must
// have been made on the list's step schedule.
int run_add(const fs::path& stages, const fs::path& root, StageEntry stage, const StepSchedule& schedule) {
  TaskAbi abi;
  abi.schedule = schedule;
  abi.validate();
  if (!fs::is_regular_file(root / stage.start_state))
    throw Error("--start-state: no file '" + (root / stage.start_state).string() + "' (paths are relative to " +
                root.string() + ")");
  stage.goal_source_state = (fs::path(stage.goal_dir) / "goal_source.state").generic_string();
  const GoalMeta meta = load_goal_meta(root / stage.goal_dir / "goal_template.meta.json");
  if (!(meta.abi == abi))
    throw Error("--goal-dir: the goal was made with frames_per_step " +
                std::to_string(meta.abi.schedule.frames_per_step) + ", release_after_frames " +
                std::to_string(meta.abi.schedule.release_after_frames) + ", not the stage list's schedule");
  add_stage_entry(stages, stage, abi);
  std::printf("dreamer_stage: added stage '%s' to %s\n", stage.id.c_str(), stages.string().c_str());
  return 0;
}

}  // namespace
}  // namespace dreamer

int main(int argc, char** argv) {
  using namespace dreamer;
  CLI::App app{"Makes training stages (start states, goal folders, rl_stages.json entries) from a ROM and a state."};
  app.require_subcommand(1);
  Replay replay;
  std::string out;
  bool force = false;

  CLI::App* state = app.add_subcommand("state", "Replay a button script from a state and save the result");
  add_replay_options(*state, replay, "--from", false);
  state->add_option("--out", out, "The start state to write (a project snapshot)")->required();
  state->add_flag("--force", force, "Replace an existing --out");

  env::GoalCapture capture;
  CLI::App* goal = app.add_subcommand("goal", "Capture a goal folder from a state (after an optional script)");
  add_replay_options(*goal, replay, "--state", true);
  goal->add_option("--out", out, "The goal folder to write")->required();
  goal->add_option("--tau", capture.tau, "Success distance (l1_mean_norm)")->capture_default_str();
  goal->add_option("--k", capture.k_consecutive, "Consecutive steps within tau that end an episode")
      ->capture_default_str();
  goal->add_flag("--force", force, "Replace the goal files in an existing --out");

  bool full = false;
  int scale = 4;
  CLI::App* render = app.add_subcommand("render", "Render what the env observes from a state as a PNG");
  add_replay_options(*render, replay, "--state", true);
  render->add_option("--out", out, "The PNG to write")->required();
  render->add_flag("--full", full, "The 160 x 144 LCD picture instead of the 72 x 80 observation");
  render->add_option("--scale", scale, "Pixels per Game Boy pixel")->capture_default_str();
  render->add_flag("--force", force, "Replace an existing --out");

  std::string stages_file, root;
  StageEntry entry;
  entry.status = "ready";
  StepSchedule add_schedule;
  CLI::App* add = app.add_subcommand("add", "Add a stage to an rl_stages.json (created when missing)");
  add->add_option("--stages", stages_file, "The stage list (rl_stages.json)")->required();
  add->add_option("--root", root, "Folder the stage paths are relative to (default: the one above the list's folder)");
  add->add_option("--id", entry.id, "The stage's id")->required();
  add->add_option("--name", entry.name, "What the stage asks")->required();
  add->add_option("--start-state", entry.start_state, "The start state, relative to --root")->required();
  add->add_option("--goal-dir", entry.goal_dir, "The goal folder, relative to --root")->required();
  add->add_option("--max-steps", entry.max_steps, "Steps before an episode is truncated")->required();
  add->add_option("--rom", entry.rom, "The ROM's file name (the project's own stages only)");
  add->add_option("--status", entry.status, "ready or skipped")->capture_default_str();
  add->add_option("--frames-per-step", add_schedule.frames_per_step, "Frames per env step")->capture_default_str();
  add->add_option("--release-after-frames", add_schedule.release_after_frames, "Frames the button is held")
      ->capture_default_str();

  if (const auto status = parse_command_line(app, argc, argv, "dreamer_stage")) return *status;
  return run_command("dreamer_stage", [&] {
    if (state->parsed()) return run_state(replay, out, force);
    if (goal->parsed()) return run_goal(replay, out, capture, force);
    if (render->parsed()) return run_render(replay, out, full, scale, force);
    const fs::path list(stages_file);
    const fs::path list_root = root.empty() ? fs::absolute(list).parent_path().parent_path() : fs::path(root);
    return run_add(list, list_root, entry, add_schedule);
  });
}
