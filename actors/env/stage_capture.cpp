#include "actors/env/stage_capture.hpp"

#include "actors/env/env_step.hpp"
#include "actors/env/goal_template.hpp"
#include "actors/gb/snapshot.hpp"
#include "common/packed2.hpp"
#include "common/run/utc_time.hpp"
#include "common/sha256.hpp"

namespace dreamer::env {

void replay_actions(gb::Console& console, const gb::Rom& rom, const StepSchedule& schedule,
                    std::span<const std::uint8_t> actions) {
  for (const std::uint8_t action : actions) run_schedule(console, rom.view(), schedule, action, nullptr, nullptr);
}

StateView view_state(gb::Console console, const gb::Rom& rom, const StepSchedule& schedule) {
  std::vector<std::uint8_t> packed(packed2::kBytesPerFrame);
  StateView view;
  view.full_frame.resize(static_cast<std::size_t>(gb::kScreenWidth) * gb::kScreenHeight);
  run_schedule(console, rom.view(), schedule, /*NOOP*/ 0, packed.data(), view.full_frame.data());
  view.shades.resize(packed2::kPixelsPerFrame);
  packed2::unpack_frame(packed.data(), view.shades.data());
  return view;
}

void capture_goal(const gb::Console& goal_source, const gb::Rom& rom, const StepSchedule& schedule,
                  const std::filesystem::path& goal_dir, const GoalCapture& capture) {
  std::filesystem::create_directories(goal_dir);
  const std::filesystem::path source_path = goal_dir / "goal_source.state";
  gb::save_snapshot_file(goal_source, rom, source_path);
  GoalTemplate goal;
  goal.shades = view_state(goal_source, rom, schedule).shades;
  goal.meta.abi.schedule = schedule;
  goal.meta.tau = capture.tau;
  goal.meta.k_consecutive = capture.k_consecutive;
  goal.meta.rom_path = capture.rom_name;
  goal.meta.rom_sha256 = sha256_hex(rom.bytes());
  goal.meta.state_path = source_path.filename().string();
  goal.meta.state_sha256 = sha256_file_hex(source_path);
  goal.meta.created_at = utc_now_iso8601();
  write_goal_template(goal_dir, goal);
}

}  // namespace dreamer::env
