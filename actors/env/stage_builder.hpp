#pragma once
// Builds the stage folders of the project's own tasks from their ROMs, so
// that no stage file is made by hand (the build runs this through
// `dreamer_make_stages`):
//
//   <out>/rl_static_screen/start.state                 static_screen.gb after power-on
//   <out>/rl_exit_room/start.state                     exit_room.gb: player in the room
//   <out>/rl_exit_room/goal_source.state               after the scripted exit path
//   <out>/rl_exit_room/goal_template.npy + .meta.json  the outside screen
//   <out>/rl_exit_room_near/...                        the same room, started
//                                                      kExitRoomNearStartMoves
//                                                      moves along the path
//
// States are project snapshots (actors/gb/snapshot.hpp).
#include <filesystem>
#include <vector>

#include "actors/env/env_step.hpp"

namespace dreamer::env {

// The shortest way out of exit_room: 7 x RIGHT, then 8 x DOWN (docs/roms.md).
std::vector<std::uint8_t> exit_room_path();
// exit_room_near, the small task a CPU learns in minutes: the player starts
// 4 x RIGHT and 4 x DOWN into the room, 7 moves (3 right, 4 down, in any
// order) from the door, so the policy must still turn.
inline constexpr int kExitRoomNearStartMoves = 8;
enum class ExitRoomStart { kTopLeft, kNear };

void build_static_screen_stage(const std::filesystem::path& rom, const std::filesystem::path& stage_dir,
                               const StepSchedule& schedule);
void build_exit_room_stage(const std::filesystem::path& rom, const std::filesystem::path& stage_dir,
                           const StepSchedule& schedule, ExitRoomStart start = ExitRoomStart::kTopLeft);

}  // namespace dreamer::env
