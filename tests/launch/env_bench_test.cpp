// dreamer_bench env (launch/env_bench.hpp) on the CPU backend: the load
// figures tell a ROM that sleeps in HALT from a busy town, the warp spread
// tells consoles in lockstep from random players, and a start state and a
// button script reach the consoles.
#include "launch/env_bench.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "tests/common/scratch_dir_test.hpp"

namespace dreamer {
namespace {

class EnvBenchTest : public ScratchDirTest {
 protected:
  static EnvBenchArgs args(const std::string& rom, int envs) {
    EnvBenchArgs result;
    result.envs = {envs};
    result.steps = 2;
    result.threads = 1;
    result.rom = rom;
    result.spread_steps = 2;
    return result;
  }

  std::string write_script(const std::string& text) const {
    const std::filesystem::path path = dir_ / "buttons.txt";
    std::ofstream(path) << text;
    return path.string();
  }
};

// static_screen idles in HALT (~3 instructions a frame); the town's outdoor
// stage runs thousands a frame with random walkers.
TEST_F(EnvBenchTest, LoadFiguresTellAnIdleRomFromABusyOne) {
  const nlohmann::json idle = bench_env(args("static_screen", 32))["runs"][0];
  EXPECT_LT(idle["instructions_per_frame"].get<double>(), 50.0) << idle.dump();
  EXPECT_GT(idle["halt_share"].get<double>(), 0.9) << idle.dump();

  const nlohmann::json busy = bench_env(args("town_cross_to_shop", 32))["runs"][0];
  EXPECT_GT(busy["instructions_per_frame"].get<double>(), 1000.0) << busy.dump();
  EXPECT_LT(busy["halt_share"].get<double>(), 0.9) << busy.dump();
  const double frames_per_s = busy["frames_per_s"].get<double>();
  EXPECT_DOUBLE_EQ(busy["frames_per_s_per_console"].get<double>(), frames_per_s / 32);
  EXPECT_NEAR(busy["instructions_per_s"].get<double>(), busy["instructions_per_frame"].get<double>() * frames_per_s,
              1e-6 * busy["instructions_per_s"].get<double>());
}

// One action for every console at every step: they stay in lockstep, so each
// warp's lanes run equal instruction counts. Random walkers spread apart.
TEST_F(EnvBenchTest, WarpSpreadIsOneInLockstepAndLowerForRandomPlayers) {
  EnvBenchArgs lockstep = args("town_cross_to_shop", 64);
  lockstep.script = write_script("NOOP\n");
  const nlohmann::json same = bench_env(lockstep)["runs"][0]["warp_spread"];
  EXPECT_EQ(same["lanes"], 32);
  EXPECT_DOUBLE_EQ(same["lane_efficiency"].get<double>(), 1.0) << same.dump();
  EXPECT_DOUBLE_EQ(same["max_over_mean"].get<double>(), 1.0) << same.dump();

  const nlohmann::json random = bench_env(args("town_cross_to_shop", 64))["runs"][0]["warp_spread"];
  EXPECT_LT(random["lane_efficiency"].get<double>(), 0.95) << random.dump();
  EXPECT_GT(random["max_over_mean"].get<double>(), 1.05) << random.dump();

  EnvBenchArgs none = args("town_cross_to_shop", 32);
  none.spread_steps = 0;
  EXPECT_TRUE(bench_env(none)["runs"][0]["warp_spread"].is_null());
}

// The stage's own start state named by hand gives the stage's figures; a
// state that is not one, and a script that holds no action, are refused.
TEST_F(EnvBenchTest, AStartStateAndAScriptReachTheConsoles) {
  const env::TaskSpec stage = bench_task_spec("town_cross_to_shop", "");
  EnvBenchArgs by_hand = args(stage.rom.string(), 32);
  by_hand.state = stage.start_state.string();
  by_hand.script = write_script("RIGHT*3 DOWN A\n");
  EnvBenchArgs by_stage = args("town_cross_to_shop", 32);
  by_stage.script = by_hand.script;
  const nlohmann::json hand = bench_env(by_hand);
  const nlohmann::json staged = bench_env(by_stage);
  EXPECT_EQ(hand["state"], stage.start_state.string());
  EXPECT_EQ(hand["policy"], by_hand.script);
  EXPECT_EQ(hand["runs"][0]["instructions_per_frame"], staged["runs"][0]["instructions_per_frame"]);
  EXPECT_EQ(hand["runs"][0]["warp_spread"], staged["runs"][0]["warp_spread"]);

  EnvBenchArgs bad_state = by_hand;
  bad_state.state = write_script("not a state");
  EXPECT_THROW(bench_env(bad_state), Error);
  EnvBenchArgs empty_script = by_hand;
  empty_script.script = write_script("# nothing\n");
  EXPECT_THROW(bench_env(empty_script), Error);
}

}  // namespace
}  // namespace dreamer
