#include "actors/env/task.hpp"

#include "actors/gb/start_state.hpp"
#include "common/error.hpp"
#include "common/sha256.hpp"

namespace dreamer::env {

Task Task::load(const TaskSpec& spec) {
  if (spec.max_steps < 1) throw ConfigError("max_steps", "must be >= 1");
  spec.schedule.validate();

  const std::vector<std::uint8_t> rom_bytes = gb::read_rom_file(spec.rom);
  Task task(gb::Rom(rom_bytes, spec.rom.string()));
  task.rom_sha256_ = sha256_hex(rom_bytes);
  task.schedule_ = spec.schedule;
  task.goal_.max_steps = spec.max_steps;
  task.goal_.step_cost = spec.step_cost;
  task.goal_.alpha = spec.alpha;
  task.goal_.goal_bonus = spec.goal_bonus;

  gb::Console start{};
  gb::power_on(start, task.rom_.view());
  if (!spec.start_state.empty()) {
    start = gb::load_start_state_file(spec.start_state, task.rom_);
    task.state_sha256_ = sha256_file_hex(spec.start_state);
  }

  if (!spec.goal_dir.empty()) {
    GoalExpectations expect;
    expect.abi.schedule = spec.schedule;
    if (spec.check_goal_rom_sha) expect.rom_sha256 = task.rom_sha256_;
    const GoalTemplate goal = load_goal_template(spec.goal_dir, expect);
    task.goal_.tau = static_cast<float>(goal.meta.tau);
    task.goal_.k_consecutive = goal.meta.k_consecutive;
    task.goal_observation_.resize(packed2::kBytesPerFrame);
    packed2::pack_frame(goal.shades.data(), task.goal_observation_.data());
    task.goal_sha256_ = sha256_file_hex(spec.goal_dir / "goal_template.npy");
  }

  // The reset point: the start state after one NOOP step, which renders the
  // observation every episode begins with.
  task.reset_observation_.resize(packed2::kBytesPerFrame);
  run_schedule(start, task.rom_.view(), task.schedule_, 0, task.reset_observation_.data(), nullptr);
  *task.reset_console_ = start;
  task.reset_dist_ = task.goal_observation_.empty()
                         ? 1.0f
                         : l1_mean_norm_packed(task.reset_observation_.data(), task.goal_observation_.data());
  return task;
}

TaskView Task::view() const {
  TaskView view;
  view.rom = rom_.view();
  view.schedule = schedule_;
  view.goal = goal_;
  view.goal_observation = goal_observation_.empty() ? nullptr : goal_observation_.data();
  view.reset.console = reset_console_.get();
  view.reset.observation = reset_observation_.data();
  view.reset.dist = reset_dist_;
  return view;
}

}  // namespace dreamer::env
