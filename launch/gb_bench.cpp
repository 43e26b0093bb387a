#include "launch/gb_bench.hpp"

#include <chrono>
#include <memory>

#include "actors/gb/emulator.hpp"
#include "actors/gb/rom.hpp"
#include "common/error.hpp"
#include "common/packed2.hpp"
#include "launch/bench_clock.hpp"
#if defined(DREAMER_HAS_MGBA)
#include "tests/support/mgba_runner.hpp"
#endif

namespace dreamer {
namespace {

using Clock = BenchClock;

nlohmann::json bench_ours(const std::filesystem::path& path, const GbBenchArgs& args) {
  const gb::Rom rom = gb::load_rom(path);
  auto console = std::make_unique<gb::Console>();
  gb::power_on(*console, rom.view());
  std::vector<std::uint8_t> full(gb::kScreenWidth * gb::kScreenHeight);
  std::vector<std::uint8_t> observation(packed2::kBytesPerFrame);
  gb::FrameSink sink;
  if (args.render == "full") sink.full_frame = full.data();
  if (args.render == "obs") sink.observation = observation.data();
  const auto start = Clock::now();
  for (int frame = 0; frame < args.frames; ++frame) gb::run_frame(*console, rom.view(), sink);
  const double seconds = seconds_since(start);
  const gb::Counters& counters = console->counters;
  return {
      {"frames_per_s", args.frames / seconds},
      {"instructions_per_s", static_cast<double>(counters.instructions) / seconds},
      {"halt_fast_forward_share", static_cast<double>(counters.halt_skipped) / static_cast<double>(counters.cycles)},
      {"seconds", seconds}};
}

#if defined(DREAMER_HAS_MGBA)
nlohmann::json bench_mgba(const std::filesystem::path& path, int frames) {
  testing::MgbaRunner runner = testing::MgbaRunner::from_file(path);
  const bool dmg = runner.read8(0xFF4D) == 0xFF;  // KEY1 reads 0xFF on a DMG only
  const auto start = Clock::now();
  runner.run_frames(frames, 0);
  const double seconds = seconds_since(start);
  return {{"frames_per_s", frames / seconds}, {"dmg", dmg}, {"seconds", seconds}};
}
#endif

}  // namespace

nlohmann::json bench_gb(const GbBenchArgs& args) {
  if (args.roms.empty()) throw Error("dreamer_bench gb: no ROM given");
  if (args.frames <= 0) throw Error("dreamer_bench gb: --frames must be positive");
  if (args.render != "none" && args.render != "obs" && args.render != "full")
    throw Error("dreamer_bench gb: --render must be none, obs or full");
#if !defined(DREAMER_HAS_MGBA)
  if (args.mgba) throw Error("dreamer_bench gb: --mgba needs a build with libmgba (libmgba-dev)");
#endif
  nlohmann::json result = {{"mode", "gb"},
                           {"frames", args.frames},
                           {"render", args.render},
                           {"mgba", args.mgba},
                           {"roms", nlohmann::json::array()}};
  for (const std::filesystem::path& path : args.roms) {
    nlohmann::json entry = {{"rom", path.string()}, {"ours", bench_ours(path, args)}, {"mgba", nullptr}};
#if defined(DREAMER_HAS_MGBA)
    if (args.mgba) {
      entry["mgba"] = bench_mgba(path, args.frames);
      entry["speedup"] = entry["ours"]["frames_per_s"].get<double>() / entry["mgba"]["frames_per_s"].get<double>();
    }
#endif
    result["roms"].push_back(entry);
  }
  return result;
}

}  // namespace dreamer
