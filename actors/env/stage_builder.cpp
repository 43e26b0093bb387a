#include "actors/env/stage_builder.hpp"

#include "actors/env/goal_template.hpp"
#include "actors/gb/rom.hpp"
#include "actors/gb/snapshot.hpp"
#include "common/run/run_meta.hpp"
#include "common/sha256.hpp"

namespace dreamer::env {
namespace {

constexpr std::uint8_t kNoop = 0, kDown = 5, kRight = 7;

// Power-on state stepped `warmup_steps` NOOP steps: the game has drawn its
// first screen and waits for input.
gb::Console warmed_up(const gb::Rom& rom, const StepSchedule& schedule, int warmup_steps) {
  gb::Console console{};
  gb::power_on(console, rom.view());
  for (int i = 0; i < warmup_steps; ++i) run_schedule(console, rom.view(), schedule, kNoop, nullptr, nullptr);
  return console;
}

}  // namespace

std::vector<std::uint8_t> exit_room_path() {
  std::vector<std::uint8_t> path;
  for (int i = 0; i < 15; ++i) path.push_back(i < 7 ? kRight : kDown);
  return path;
}

std::vector<std::uint8_t> exit_room_staircase_path() {
  std::vector<std::uint8_t> path;
  for (int i = 0; i < 14; ++i) path.push_back(i % 2 == 0 ? kRight : kDown);
  path.push_back(kDown);
  return path;
}

int exit_room_start_moves(ExitRoomStart start) {
  switch (start) {
    case ExitRoomStart::kTopLeft:
      return 0;
    case ExitRoomStart::kNear:
      return 8;
    case ExitRoomStart::kDoor:
      return 11;
    case ExitRoomStart::kTurn:
      return 13;
  }
  return 0;
}

namespace {

// 6 x RIGHT, 7 x DOWN, then RIGHT and DOWN through the door (exit_room_turn).
std::vector<std::uint8_t> exit_room_last_turn_path() {
  std::vector<std::uint8_t> path;
  for (int i = 0; i < 13; ++i) path.push_back(i < 6 ? kRight : kDown);
  path.push_back(kRight);
  path.push_back(kDown);
  return path;
}

// The path a stage's start state and goal are built along.
std::vector<std::uint8_t> exit_room_stage_path(ExitRoomStart start) {
  switch (start) {
    case ExitRoomStart::kTopLeft:
      return exit_room_path();
    case ExitRoomStart::kTurn:
      return exit_room_last_turn_path();
    case ExitRoomStart::kNear:
    case ExitRoomStart::kDoor:
      break;
  }
  return exit_room_staircase_path();
}

}  // namespace

void build_static_screen_stage(const std::filesystem::path& rom_path, const std::filesystem::path& stage_dir,
                               const StepSchedule& schedule) {
  const gb::Rom rom = gb::load_rom(rom_path);
  std::filesystem::create_directories(stage_dir);
  gb::save_snapshot_file(warmed_up(rom, schedule, 2), rom, stage_dir / "start.state");
}

void build_exit_room_stage(const std::filesystem::path& rom_path, const std::filesystem::path& stage_dir,
                           const StepSchedule& schedule, ExitRoomStart start) {
  const std::vector<std::uint8_t> path = exit_room_stage_path(start);
  const int start_moves = exit_room_start_moves(start);
  const std::vector<std::uint8_t> rom_bytes = gb::read_rom_file(rom_path);
  const gb::Rom rom(rom_bytes, rom_path.string());
  std::filesystem::create_directories(stage_dir);
  gb::Console console = warmed_up(rom, schedule, 2);
  for (int move = 0; move < static_cast<int>(path.size()); ++move) {
    if (move == start_moves) gb::save_snapshot_file(console, rom, stage_dir / "start.state");
    run_schedule(console, rom.view(), schedule, path[move], nullptr, nullptr);
  }
  const std::filesystem::path goal_source = stage_dir / "goal_source.state";
  gb::save_snapshot_file(console, rom, goal_source);

  // The goal is what the env observes from the goal source state.
  std::vector<std::uint8_t> packed(packed2::kBytesPerFrame);
  run_schedule(console, rom.view(), schedule, kNoop, packed.data(), nullptr);
  GoalTemplate goal;
  goal.shades.resize(packed2::kPixelsPerFrame);
  packed2::unpack_frame(packed.data(), goal.shades.data());
  goal.meta.abi.schedule = schedule;
  goal.meta.tau = 0.05;
  goal.meta.k_consecutive = 4;
  goal.meta.rom_path = rom_path.filename().string();
  goal.meta.rom_sha256 = sha256_hex(rom_bytes);
  goal.meta.state_path = "goal_source.state";
  goal.meta.state_sha256 = sha256_file_hex(goal_source);
  goal.meta.created_at = utc_now_iso8601();
  write_goal_template(stage_dir, goal);
}

}  // namespace dreamer::env
