#pragma once
// Task: everything an environment needs besides its consoles, loaded and
// checked once on the host: the ROM, the reset point (start state stepped
// once with NOOP, so that it has an observation), the goal template packed
// to packed2, the goal/reward parameters and the step schedule.
//
// Inputs, each checked with one clear error:
//   rom          a .gb file (actors/gb/rom.hpp validates it)
//   start_state  a project snapshot or a PyBoy .state (actors/gb/start_state.hpp);
//                empty: the ROM's power-on state
//   goal_dir     a stage folder with goal_template.npy + meta (checked against
//                the schedule and the ROM's sha256); empty: no goal
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors/env/env_step.hpp"
#include "actors/env/goal_template.hpp"
#include "actors/gb/rom.hpp"

namespace dreamer::env {

struct TaskSpec {
  std::filesystem::path rom;
  std::filesystem::path start_state;
  std::filesystem::path goal_dir;
  int max_steps = 128;
  StepSchedule schedule;
  float step_cost = -0.01f;
  float alpha = 1.0f;
  float goal_bonus = 10.0f;
  // Check the goal meta's rom_sha256 against the ROM (off for goal templates
  // made from another dump of the same game).
  bool check_goal_rom_sha = true;
};

class Task {
 public:
  static Task load(const TaskSpec& spec);

  // Host pointers into this Task; valid while it lives (also across moves).
  TaskView view() const;

  const gb::Rom& rom() const { return rom_; }
  const gb::Console& reset_console() const { return *reset_console_; }
  const std::vector<std::uint8_t>& reset_observation() const { return reset_observation_; }
  // Empty when the task has no goal.
  const std::vector<std::uint8_t>& goal_observation() const { return goal_observation_; }
  const GoalParams& goal_params() const { return goal_; }
  const StepSchedule& schedule() const { return schedule_; }
  float reset_dist() const { return reset_dist_; }

  const std::string& rom_sha256() const { return rom_sha256_; }
  const std::string& state_sha256() const { return state_sha256_; }
  const std::string& goal_sha256() const { return goal_sha256_; }

 private:
  explicit Task(gb::Rom rom) : rom_(std::move(rom)), reset_console_(std::make_unique<gb::Console>()) {}

  gb::Rom rom_;
  std::unique_ptr<gb::Console> reset_console_;  // on the heap: views stay valid when a Task moves
  std::vector<std::uint8_t> reset_observation_;
  std::vector<std::uint8_t> goal_observation_;
  GoalParams goal_;
  StepSchedule schedule_;
  float reset_dist_ = 1.0f;
  std::string rom_sha256_, state_sha256_, goal_sha256_;
};

}  // namespace dreamer::env
