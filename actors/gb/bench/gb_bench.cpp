// gb_bench: single-threaded speed of the emulator core, optionally beside
// mGBA (DMG model) on the same ROMs and frame counts. Prints one JSON object:
//
//   {"frames": N, "render": "obs", "roms": [{"rom": ..., "ours": {"frames_per_s",
//    "instructions_per_s", "halt_fast_forward_share"}, "mgba": {"frames_per_s",
//    "dmg"}, "speedup": ours/mgba}, ...]}
//
// usage: gb_bench [--frames N] [--render none|obs|full] ROM...
#include <chrono>
#include <cstdio>
#include <cstring>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "actors/gb/emulator.hpp"
#include "actors/gb/rom.hpp"
#include "common/error.hpp"
#include "common/packed2.hpp"
#if defined(DREAMER_HAS_MGBA)
#include "actors/gb/bench/mgba_runner.hpp"
#endif

namespace {

using dreamer::Error;
namespace gb = dreamer::gb;

struct Options {
  int frames = 3000;
  std::string render = "obs";
  std::vector<std::string> roms;
};

Options parse(int argc, char** argv) {
  Options options;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--frames" && i + 1 < argc) {
      options.frames = std::stoi(argv[++i]);
    } else if (arg == "--render" && i + 1 < argc) {
      options.render = argv[++i];
    } else if (arg.rfind("--", 0) == 0) {
      throw Error("gb_bench: unknown option '" + arg +
                  "' (usage: gb_bench [--frames N] [--render none|obs|full] ROM...)");
    } else {
      options.roms.push_back(arg);
    }
  }
  if (options.roms.empty())
    throw Error("gb_bench: no ROM given (usage: gb_bench [--frames N] [--render none|obs|full] ROM...)");
  if (options.frames <= 0) throw Error("gb_bench: --frames must be positive");
  if (options.render != "none" && options.render != "obs" && options.render != "full") {
    throw Error("gb_bench: --render must be none, obs or full");
  }
  return options;
}

nlohmann::json bench_ours(const std::string& path, const Options& options) {
  const gb::Rom rom = gb::load_rom(path);
  auto console = std::make_unique<gb::Console>();
  gb::power_on(*console, rom.view());
  std::vector<std::uint8_t> full(gb::kScreenWidth * gb::kScreenHeight);
  std::vector<std::uint8_t> observation(dreamer::packed2::kBytesPerFrame);
  gb::FrameSink sink;
  if (options.render == "full") sink.full_frame = full.data();
  if (options.render == "obs") sink.observation = observation.data();
  const auto start = std::chrono::steady_clock::now();
  for (int frame = 0; frame < options.frames; ++frame) gb::run_frame(*console, rom.view(), sink);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const gb::Counters& counters = console->counters;
  return {
      {"frames_per_s", options.frames / seconds},
      {"instructions_per_s", static_cast<double>(counters.instructions) / seconds},
      {"halt_fast_forward_share", static_cast<double>(counters.halt_skipped) / static_cast<double>(counters.cycles)},
      {"seconds", seconds}};
}

}  // namespace

int main(int argc, char** argv) {
  try {
    const Options options = parse(argc, argv);
    nlohmann::json report = {{"frames", options.frames}, {"render", options.render}, {"roms", nlohmann::json::array()}};
    for (const std::string& path : options.roms) {
      nlohmann::json entry = {{"rom", path}, {"ours", bench_ours(path, options)}};
#if defined(DREAMER_HAS_MGBA)
      const dreamer::gb::bench::MgbaRun mgba = dreamer::gb::bench::run_mgba(path, options.frames);
      const double mgba_fps = options.frames / mgba.seconds;
      entry["mgba"] = {{"frames_per_s", mgba_fps}, {"dmg", mgba.dmg}, {"seconds", mgba.seconds}};
      entry["speedup"] = entry["ours"]["frames_per_s"].get<double>() / mgba_fps;
#else
      entry["mgba"] = nullptr;
#endif
      report["roms"].push_back(entry);
    }
    std::cout << report.dump(2) << '\n';
    return 0;
  } catch (const std::exception& error) {
    std::cerr << error.what() << '\n';
    return 1;
  }
}
