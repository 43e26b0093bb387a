#pragma once
// The steps every stage is made of, shared by the project's own stage
// builder (stage_builder.hpp) and the user's stage tool (`dreamer_stage`):
// replay actions from a state, look at a state as the env does, and capture a
// goal folder from a goal source state.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "actors/env/step_schedule.hpp"
#include "actors/gb/console.hpp"
#include "actors/gb/rom.hpp"

namespace dreamer::env {

// Runs `actions` on the env's step schedule.
void replay_actions(gb::Console& console, const gb::Rom& rom, const StepSchedule& schedule,
                    std::span<const std::uint8_t> actions);

// What an episode that starts at `console` observes first: one NOOP step, as
// Task::load makes a reset point. `shades` is the 72 x 80 observation,
// `full_frame` the 160 x 144 LCD picture of the same frame (0..3 each).
struct StateView {
  std::vector<std::uint8_t> shades;
  std::vector<std::uint8_t> full_frame;
};
StateView view_state(gb::Console console, const gb::Rom& rom, const StepSchedule& schedule);

struct GoalCapture {
  std::string rom_name;  // the meta's rom_path: the ROM's file name
  double tau = 0.05;
  int k_consecutive = 4;
};
// Writes `goal_dir`/goal_source.state (a project snapshot of `goal_source`)
// and the goal template (goal_template.npy + .meta.json) of what the env
// observes from it, with the ROM's and the source state's sha256.
void capture_goal(const gb::Console& goal_source, const gb::Rom& rom, const StepSchedule& schedule,
                  const std::filesystem::path& goal_dir, const GoalCapture& capture);

}  // namespace dreamer::env
