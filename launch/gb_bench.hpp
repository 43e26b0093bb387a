#pragma once
// `dreamer_bench gb`: single-threaded speed of the emulator core on whole
// ROMs, optionally beside mGBA 0.10.1 (tests/support/mgba_runner, every model
// key forced to DMG; it always renders and mixes audio) on the same ROMs and
// frame counts. The result is one JSON object:
//
//   {"mode": "gb", "frames": N, "render": "obs", "mgba": true,
//    "roms": [{"rom": path,
//              "ours": {"frames_per_s", "instructions_per_s",
//                       "halt_fast_forward_share", "seconds"},
//              "mgba": {"frames_per_s", "dmg", "seconds"} or null,
//              "speedup": ours / mGBA frames/s (only with mGBA)}, ...]}
//
// Each figure is one timed run of `frames` frames from power-on, no buttons
// held, after nothing else ran in the process (no warm-up: a frame loop of
// thousands of frames dwarfs the first-frame cost).
#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace dreamer {

struct GbBenchArgs {
  std::vector<std::filesystem::path> roms;
  int frames = 3000;
  std::string render = "obs";  // none, obs (packed2 observation) or full (160 x 144 shades)
  bool mgba = false;           // also time mGBA (needs a build with libmgba)
};

// Throws dreamer::Error on a bad argument, an unreadable ROM, or `mgba` in a
// build without libmgba.
nlohmann::json bench_gb(const GbBenchArgs& args);

}  // namespace dreamer
