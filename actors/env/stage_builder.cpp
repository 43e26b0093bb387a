#include "actors/env/stage_builder.hpp"

#include "actors/env/stage_capture.hpp"
#include "actors/gb/rom.hpp"
#include "actors/gb/snapshot.hpp"

namespace dreamer::env {
namespace {

constexpr std::uint8_t kNoop = 0, kDown = 5, kRight = 7;

// Power-on state stepped `warmup_steps` NOOP steps: the game has drawn its
// first screen and waits for input.
gb::Console warmed_up(const gb::Rom& rom, const StepSchedule& schedule, int warmup_steps) {
  gb::Console console{};
  gb::power_on(console, rom.view());
  replay_actions(console, rom, schedule, std::vector<std::uint8_t>(static_cast<std::size_t>(warmup_steps), kNoop));
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
  const std::size_t start_moves = static_cast<std::size_t>(exit_room_start_moves(start));
  const gb::Rom rom = gb::load_rom(rom_path);
  std::filesystem::create_directories(stage_dir);
  gb::Console console = warmed_up(rom, schedule, 2);
  replay_actions(console, rom, schedule, std::span(path).first(start_moves));
  gb::save_snapshot_file(console, rom, stage_dir / "start.state");
  replay_actions(console, rom, schedule, std::span(path).subspan(start_moves));
  // The goal is what the env observes from the end of the path.
  capture_goal(console, rom, schedule, stage_dir, {.rom_name = rom_path.filename().string()});
}

}  // namespace dreamer::env
