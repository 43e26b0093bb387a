#pragma once
// Builds the stage folders of the project's own tasks from their ROMs, so
// that no stage file is made by hand (the build runs this through
// `dreamer_make_stages`):
//
//   <out>/rl_static_screen/start.state                 static_screen.gb after power-on
//   <out>/rl_exit_room/start.state                     exit_room.gb: player in the room
//   <out>/rl_exit_room/goal_source.state               after the scripted exit path
//   <out>/rl_exit_room/goal_template.npy + .meta.json  the outside screen
//   <out>/rl_exit_room_near/...                        the same room, started 7
//                                                      moves from the door
//   <out>/rl_exit_room_door/...                        started 4 moves from it
//   <out>/rl_exit_room_turn/...                        started 2 moves from it
//
// States are project snapshots (actors/gb/snapshot.hpp).
#include <filesystem>
#include <vector>

#include "actors/env/env_step.hpp"

namespace dreamer::env {

// The shortest way out of exit_room: 7 x RIGHT, then 8 x DOWN (docs/roms.md).
std::vector<std::uint8_t> exit_room_path();
// The shorter tasks start part way along a staircase path (RIGHT and DOWN
// interleaved, 7 of each, then the last DOWN through the door), so the
// policy must still turn and no constant action gets out:
//   exit_room_near: after 8 moves, 7 moves (3 right, 4 down) from the door;
//   exit_room_door: after 11 moves, 4 moves (1 right, 3 down) from it, the
//   task the CPU learns in minutes.
// exit_room_turn starts one tile left of the tile above the door: RIGHT, then
// DOWN (the wall below stops a DOWN first), the shortest path with a turn.
enum class ExitRoomStart { kTopLeft, kNear, kDoor, kTurn };
std::vector<std::uint8_t> exit_room_staircase_path();
int exit_room_start_moves(ExitRoomStart start);

void build_static_screen_stage(const std::filesystem::path& rom, const std::filesystem::path& stage_dir,
                               const StepSchedule& schedule);
void build_exit_room_stage(const std::filesystem::path& rom, const std::filesystem::path& stage_dir,
                           const StepSchedule& schedule, ExitRoomStart start = ExitRoomStart::kTopLeft);

}  // namespace dreamer::env
