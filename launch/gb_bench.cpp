#include "launch/gb_bench.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <random>
#include <vector>

#include "actors/env/action_codec.hpp"
#include "actors/gb/emulator.hpp"
#include "actors/gb/rom.hpp"
#include "actors/gb/start_state.hpp"
#include "common/error.hpp"
#include "common/packed2.hpp"
#include "common/percentile.hpp"
#include "launch/bench_clock.hpp"
#if defined(DREAMER_HAS_MGBA)
#include "actors/gb/mgba_runner.hpp"
#endif

namespace dreamer {
namespace {

using Clock = BenchClock;

nlohmann::json spread(const std::vector<double>& values) {
  double sum = 0.0;
  for (double value : values) sum += value;
  return {{"mean", sum / static_cast<double>(values.size())},
          {"p10", percentile(values, 0.10)},
          {"p50", percentile(values, 0.50)},
          {"p90", percentile(values, 0.90)}};
}

// The load figures of bench_gb's header from per-frame instruction counts
// and per-frame "slept in HALT" flags.
nlohmann::json load_figures(const std::vector<double>& frame_instructions, int halted_frames, int frames_per_step) {
  nlohmann::json per_frame = spread(frame_instructions);
  per_frame["max"] = *std::max_element(frame_instructions.begin(), frame_instructions.end());
  std::vector<double> step_instructions;
  for (std::size_t first = 0; first + static_cast<std::size_t>(frames_per_step) <= frame_instructions.size();
       first += static_cast<std::size_t>(frames_per_step)) {
    double sum = 0.0;
    for (int frame = 0; frame < frames_per_step; ++frame) sum += frame_instructions[first + frame];
    step_instructions.push_back(sum);
  }
  nlohmann::json result = {{"instructions_per_frame", per_frame},
                           {"no_halt_frame_share",
                            1.0 - static_cast<double>(halted_frames) / static_cast<double>(frame_instructions.size())},
                           {"steps", step_instructions.size()},
                           {"instructions_per_step", nullptr}};
  if (!step_instructions.empty()) {
    nlohmann::json per_step = spread(step_instructions);
    const double p10 = per_step["p10"].get<double>();
    per_step["p90_over_p10"] = p10 > 0.0 ? per_step["p90"].get<double>() / p10 : 0.0;
    result["instructions_per_step"] = per_step;
  }
  return result;
}

nlohmann::json bench_ours(const std::filesystem::path& path, const GbBenchArgs& args) {
  const gb::Rom rom = gb::load_rom(path);
  auto console = std::make_unique<gb::Console>();
  if (args.state.empty()) {
    gb::power_on(*console, rom.view());
  } else {
    *console = gb::load_start_state_file(args.state, rom);
  }
  std::vector<std::uint8_t> full(gb::kScreenWidth * gb::kScreenHeight);
  std::vector<std::uint8_t> observation(packed2::kBytesPerFrame);
  gb::FrameSink sink;
  if (args.render == "full") sink.full_frame = full.data();
  if (args.render == "obs") sink.observation = observation.data();
  std::mt19937 random(args.seed);
  std::uniform_int_distribution<int> action(0, env::kActionCount - 1);
  std::vector<double> frame_instructions(static_cast<std::size_t>(args.frames));
  int halted_frames = 0;
  std::uint8_t step_buttons = 0;
  const gb::Counters& counters = console->counters;
  const auto start = Clock::now();
  for (int frame = 0; frame < args.frames; ++frame) {
    const int step_frame = frame % args.schedule.frames_per_step;
    if (args.buttons == "random" && step_frame == 0) {
      step_buttons = env::action_buttons(static_cast<std::uint8_t>(action(random)));
    }
    if (step_frame == 0 || step_frame == args.schedule.release_after_frames) {
      gb::set_buttons(*console, step_frame < args.schedule.release_after_frames ? step_buttons : 0);
    }
    const std::uint64_t instructions = counters.instructions;
    const std::uint64_t halt_skipped = counters.halt_skipped;
    gb::run_frame(*console, rom.view(), sink);
    frame_instructions[static_cast<std::size_t>(frame)] = static_cast<double>(counters.instructions - instructions);
    halted_frames += counters.halt_skipped != halt_skipped ? 1 : 0;
  }
  const double seconds = seconds_since(start);
  return {
      {"frames_per_s", args.frames / seconds},
      {"instructions_per_s", static_cast<double>(counters.instructions) / seconds},
      {"halt_fast_forward_share", static_cast<double>(counters.halt_skipped) / static_cast<double>(counters.cycles)},
      {"seconds", seconds},
      {"load", load_figures(frame_instructions, halted_frames, args.schedule.frames_per_step)}};
}

#if defined(DREAMER_HAS_MGBA)
nlohmann::json bench_mgba(const std::filesystem::path& path, int frames) {
  mgba::MgbaRunner runner = mgba::MgbaRunner::from_file(path);
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
  if (!args.state.empty() && args.roms.size() != 1)
    throw Error("dreamer_bench gb: --state belongs to one ROM; name exactly one --rom with it");
  if (args.render != "none" && args.render != "obs" && args.render != "full")
    throw Error("dreamer_bench gb: --render must be none, obs or full");
  if (args.buttons != "none" && args.buttons != "random")
    throw Error("dreamer_bench gb: --buttons must be none or random");
  try {
    args.schedule.validate();
  } catch (const ConfigError& error) {
    throw Error("dreamer_bench gb --frames-per-step/--release-after: " + std::string(error.what()));
  }
#if !defined(DREAMER_HAS_MGBA)
  if (args.mgba) throw Error("dreamer_bench gb: --mgba needs a build with libmgba (libmgba-dev)");
#endif
  nlohmann::json result = {
      {"mode", "gb"},
      {"frames", args.frames},
      {"render", args.render},
      {"mgba", args.mgba},
      {"state", args.state.empty() ? nlohmann::json(nullptr) : nlohmann::json(args.state.string())},
      {"buttons", args.buttons},
      {"seed", args.seed},
      {"frames_per_step", args.schedule.frames_per_step},
      {"release_after", args.schedule.release_after_frames},
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
