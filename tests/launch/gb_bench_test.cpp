// `dreamer_bench gb` (launch/gb_bench.hpp): the load figures under seeded
// random buttons, and the town's load against issue 15's targets.
#include "launch/gb_bench.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>

#include "common/error.hpp"
#include "tests/actors/roms/rom_paths.hpp"

namespace dreamer {
namespace {

GbBenchArgs town_args(int frames, std::uint32_t seed) {
  GbBenchArgs args;
  args.roms = {testing::own_rom("town.gb")};
  args.frames = frames;
  args.render = "none";
  args.buttons = "random";
  args.seed = seed;
  return args;
}

const nlohmann::json& load_of(const nlohmann::json& result) { return result["roms"][0]["ours"]["load"]; }

TEST(GbBench, RandomButtonsAreReproducibleFromTheSeed) {
  const nlohmann::json first = bench_gb(town_args(24 * 40, 5));
  const nlohmann::json again = bench_gb(town_args(24 * 40, 5));
  const nlohmann::json other = bench_gb(town_args(24 * 40, 6));
  EXPECT_EQ(first["buttons"], "random");
  EXPECT_EQ(first["seed"], 5);
  EXPECT_EQ(load_of(first), load_of(again));
  EXPECT_NE(load_of(first), load_of(other));
  EXPECT_EQ(load_of(first)["steps"], 40);
}

TEST(GbBench, WithoutButtonsTheSeedChangesNothing) {
  GbBenchArgs args = town_args(24 * 20, 1);
  args.buttons = "none";
  const nlohmann::json first = bench_gb(args);
  args.seed = 2;
  const nlohmann::json second = bench_gb(args);
  EXPECT_EQ(load_of(first), load_of(second));
  EXPECT_EQ(load_of(first)["steps"], 20);
}

TEST(GbBench, BadScheduleOrButtonsAreRejected) {
  GbBenchArgs args = town_args(24, 1);
  args.buttons = "sometimes";
  EXPECT_THROW(bench_gb(args), Error);
  args = town_args(24, 1);
  args.schedule.release_after_frames = 25;
  EXPECT_THROW(bench_gb(args), Error);
  args = town_args(24, 1);
  args.schedule.frames_per_step = 0;
  EXPECT_THROW(bench_gb(args), Error);
}

// --state starts the core from a stage's start state (the town's street, not
// its power-on in the house); the same seed from the same state repeats.
TEST(GbBench, AStartStateReplacesPowerOn) {
  GbBenchArgs from_state = town_args(24 * 20, 1);
  from_state.state = std::filesystem::path(DREAMER_STAGES_DIR) / "rl_town_cross_to_shop" / "start.state";
  const nlohmann::json first = bench_gb(from_state);
  EXPECT_EQ(first["state"], from_state.state.string());
  EXPECT_EQ(load_of(first), load_of(bench_gb(from_state)));
  EXPECT_NE(load_of(first), load_of(bench_gb(town_args(24 * 20, 1))));
  EXPECT_TRUE(bench_gb(town_args(24, 1))["state"].is_null());

  GbBenchArgs two_roms = from_state;
  two_roms.roms.push_back(testing::own_rom("exit_room.gb"));
  EXPECT_THROW(bench_gb(two_roms), Error);
  GbBenchArgs other_rom = from_state;
  other_rom.roms = {testing::own_rom("exit_room.gb")};
  EXPECT_THROW(bench_gb(other_rom), Error);  // the town's snapshot pins town.gb
}

// Issue 15, item 2: over 500 steps of 24 frames with seeded random buttons
// the town asks for the CPU work of Pokemon Red's overworld.
TEST(GbBench, TownLoadIsCalibratedToPokemonRedsOverworld) {
  const nlohmann::json result = bench_gb(town_args(24 * 500, 1));
  const nlohmann::json& ours = result["roms"][0]["ours"];
  const nlohmann::json& load = ours["load"];
  const double mean = load["instructions_per_frame"]["mean"].get<double>();
  const double halt_share = ours["halt_fast_forward_share"].get<double>();
  std::printf("town load: %s halt share %.3f\n", load.dump().c_str(), halt_share);
  EXPECT_GE(mean, 3000.0);
  EXPECT_LE(mean, 4700.0);
  EXPECT_GE(halt_share, 0.3);
  EXPECT_LE(halt_share, 0.6);
  EXPECT_GE(load["no_halt_frame_share"].get<double>(), 0.20);
  EXPECT_GE(load["instructions_per_step"]["p90_over_p10"].get<double>(), 2.5);
}

}  // namespace
}  // namespace dreamer
