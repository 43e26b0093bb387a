#pragma once
// `dreamer_bench gb`: single-threaded speed of the emulator core on whole
// ROMs, optionally beside mGBA 0.10.1 (actors/gb/mgba_runner, every model
// key forced to DMG; it always renders and mixes audio) on the same ROMs and
// frame counts. The result is one JSON object:
//
//   {"mode": "gb", "frames": N, "render": "obs", "mgba": true, "state": path or null,
//    "buttons": "none" | "random", "seed": S, "frames_per_step": 24, "release_after": 8,
//    "roms": [{"rom": path,
//              "ours": {"frames_per_s", "instructions_per_s",
//                       "halt_fast_forward_share", "seconds", "load"},
//              "mgba": {"frames_per_s", "dmg", "seconds"} or null,
//              "speedup": ours / mGBA frames/s (only with mGBA)}, ...]}
//
//   "load": the CPU work the ROM asks for (issue 15's measure of a game's weight):
//     {"instructions_per_frame": {"mean", "p10", "p50", "p90", "max"},
//      "no_halt_frame_share": share of frames in which the CPU never slept in HALT,
//      "steps": whole steps of frames_per_step frames,
//      "instructions_per_step": {"mean", "p10", "p50", "p90", "p90_over_p10"}}
//   halt_fast_forward_share is the HALT share: the M-cycles the CPU slept in HALT.
//
// Buttons: "none" holds nothing; "random" draws one of the 8 actions of the
// pokemonred_puffer_v1 codec per step (uniform, std::mt19937 seeded with
// `seed`), holds its button for the first `release_after` frames of the step
// and releases it for the rest: the environment's step schedule. mGBA gets
// no buttons either way (its figure is speed only).
//
// Each figure is one timed run of `frames` frames from power-on, or from
// `state` (a project snapshot or PyBoy state of the one ROM given), after
// nothing else ran in the process (no warm-up: a frame loop of thousands of
// frames dwarfs the first-frame cost). mGBA always starts from power-on. Percentiles are nearest-rank
// (common/percentile.hpp).
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "actors/env/step_schedule.hpp"

namespace dreamer {

struct GbBenchArgs {
  std::vector<std::filesystem::path> roms;
  std::filesystem::path state;  // empty: power-on
  int frames = 3000;
  std::string render = "obs";    // none, obs (packed2 observation) or full (160 x 144 shades)
  bool mgba = false;             // also time mGBA (needs a build with libmgba)
  std::string buttons = "none";  // none or random
  std::uint32_t seed = 1;        // of the random buttons
  StepSchedule schedule;         // frames per step, frames the step's button is held
};

// Throws dreamer::Error on a bad argument (buttons not none/random, a step
// schedule StepSchedule::validate() refuses, a state with several ROMs), an
// unreadable ROM or state, or `mgba` in a build without libmgba.
nlohmann::json bench_gb(const GbBenchArgs& args);

}  // namespace dreamer
