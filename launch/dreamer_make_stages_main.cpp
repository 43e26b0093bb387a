// dreamer_make_stages: builds the stage folders of the project's own tasks
// (actors/env/stage_builder.hpp) from the ROMs the build assembled.
//
//   dreamer_make_stages --roms build/roms --out build/states
#include <CLI/CLI.hpp>

#include "actors/env/stage_builder.hpp"
#include "launch/command_line.hpp"

int main(int argc, char** argv) {
  CLI::App app{"Builds the stage folders (start states, goal templates) of the project's own tasks."};
  std::string roms_dir;
  std::string out_dir;
  dreamer::StepSchedule schedule;
  app.add_option("--roms", roms_dir, "Folder with static_screen.gb and exit_room.gb")->required();
  app.add_option("--out", out_dir,
                 "Folder that receives rl_static_screen/, rl_exit_room/, rl_exit_room_near/, rl_exit_room_door/ and "
                 "rl_exit_room_turn/")
      ->required();
  app.add_option("--frames-per-step", schedule.frames_per_step, "Frames per env step")->capture_default_str();
  app.add_option("--release-after-frames", schedule.release_after_frames, "Frames the button is held")
      ->capture_default_str();
  if (const auto status = dreamer::parse_command_line(app, argc, argv, "dreamer_make_stages")) return *status;
  return dreamer::run_command("dreamer_make_stages", [&] {
    schedule.validate();  // before any stage folder is written
    const std::filesystem::path roms(roms_dir), out(out_dir);
    dreamer::env::build_static_screen_stage(roms / "static_screen.gb", out / "rl_static_screen", schedule);
    dreamer::env::build_exit_room_stage(roms / "exit_room.gb", out / "rl_exit_room", schedule);
    dreamer::env::build_exit_room_stage(roms / "exit_room.gb", out / "rl_exit_room_near", schedule,
                                        dreamer::env::ExitRoomStart::kNear);
    dreamer::env::build_exit_room_stage(roms / "exit_room.gb", out / "rl_exit_room_door", schedule,
                                        dreamer::env::ExitRoomStart::kDoor);
    dreamer::env::build_exit_room_stage(roms / "exit_room.gb", out / "rl_exit_room_turn", schedule,
                                        dreamer::env::ExitRoomStart::kTurn);
    return 0;
  });
}
