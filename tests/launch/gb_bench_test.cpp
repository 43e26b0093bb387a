// `dreamer_bench gb` (launch/gb_bench.hpp): the load figures under seeded
// random buttons.
#include "launch/gb_bench.hpp"

#include <gtest/gtest.h>

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

TEST(GbBench, NoButtonsLeaveTheGameInItsIdleLoop) {
  GbBenchArgs args = town_args(24 * 20, 1);
  args.buttons = "none";
  const nlohmann::json result = bench_gb(args);
  const nlohmann::json& load = load_of(result);
  const nlohmann::json& per_step = load["instructions_per_step"];
  // Standing still, every step after the first fade-in repeats the same work.
  EXPECT_LT(per_step["p90_over_p10"].get<double>(), 1.2);
  EXPECT_LE(load["instructions_per_frame"]["p50"].get<double>(), load["instructions_per_frame"]["max"].get<double>());
}

TEST(GbBench, BadScheduleOrButtonsAreRejected) {
  GbBenchArgs args = town_args(24, 1);
  args.buttons = "sometimes";
  EXPECT_THROW(bench_gb(args), Error);
  args = town_args(24, 1);
  args.release_after = 25;
  EXPECT_THROW(bench_gb(args), Error);
  args = town_args(24, 1);
  args.frames_per_step = 0;
  EXPECT_THROW(bench_gb(args), Error);
}

}  // namespace
}  // namespace dreamer
