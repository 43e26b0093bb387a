// The CPU backend on the project's own tasks: the scripted exit reaches the
// goal and is scored, episodes restart with is_first, a static screen stays
// static, thread count does not change results.
#include "actors/env/batched_env.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <string>

#include "actors/env/stage_builder.hpp"
#include "actors/env/task.hpp"
#include "common/error.hpp"

namespace dreamer::env {
namespace {

const std::filesystem::path kRoms = DREAMER_ROMS_DIR;

class ExitRoomEnv : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    // One folder per test process: ctest runs the cases in parallel.
    stage_dir_ = std::filesystem::temp_directory_path() / ("dreamer_env_test_exit_room_" + std::to_string(::getpid()));
    std::filesystem::remove_all(stage_dir_);
    build_exit_room_stage(kRoms / "exit_room.gb", stage_dir_, StepSchedule{});
  }
  static void TearDownTestSuite() { std::filesystem::remove_all(stage_dir_); }
  static TaskSpec spec() {
    TaskSpec spec;
    spec.rom = kRoms / "exit_room.gb";
    spec.start_state = stage_dir_ / "start.state";
    spec.goal_dir = stage_dir_;
    spec.max_steps = 128;
    return spec;
  }
  static std::filesystem::path stage_dir_;
};
std::filesystem::path ExitRoomEnv::stage_dir_;

TEST_F(ExitRoomEnv, ScriptedExitSucceedsAfterKStepsAndTheNextStepRestarts) {
  const Task task = Task::load(spec());
  auto env = make_batched_env(task, {Backend::kCpu, 2, 1});
  HostBatch batch(2);
  env->reset(nullptr, batch.view());
  EXPECT_EQ(batch.is_first[0], 1);
  EXPECT_EQ(batch.episode_id[0], 0);
  EXPECT_GT(batch.dist[0], 0.05f) << "the start is far from the goal screen";
  const std::vector<std::uint8_t> start_observation(batch.observation.begin(), batch.observation.begin() + 1440);

  std::vector<std::uint8_t> path = exit_room_path();
  int steps = 0;
  float total_reward = 0.0f;
  for (; steps < 40; ++steps) {
    const std::uint8_t action = steps < static_cast<int>(path.size()) ? path[steps] : 0;
    const std::uint8_t actions[2] = {action, 0};  // env 1 stands still
    env->step(actions, batch.view());
    total_reward += batch.reward[0];
    EXPECT_EQ(batch.is_first[0], 0);
    EXPECT_EQ(batch.terminated[1], 0);
    if (batch.terminated[0]) break;
  }
  // 15 moves to the door, then k_consecutive = 4 steps on the goal screen
  // (the move onto the door already shows it).
  EXPECT_EQ(steps + 1, 15 + 3);
  EXPECT_EQ(batch.terminated[0], 1);
  EXPECT_EQ(batch.truncated[0], 0);
  EXPECT_LT(batch.dist[0], 0.05f);
  EXPECT_GT(batch.reward[0], 9.0f) << "the last step carries the goal bonus";
  // Rewards telescope: sum = steps * step_cost + (d_start - d_end) + bonus.
  const float expected = (steps + 1) * -0.01f + (task.reset_dist() - batch.dist[0]) + 10.0f;
  EXPECT_NEAR(total_reward, expected, 1e-4);

  const std::uint8_t actions[2] = {0, 0};
  env->step(actions, batch.view());
  EXPECT_EQ(batch.is_first[0], 1);
  EXPECT_EQ(batch.episode_id[0], 1);
  EXPECT_EQ(batch.reward[0], 0.0f);
  EXPECT_TRUE(std::equal(start_observation.begin(), start_observation.end(), batch.observation.begin()));
  EXPECT_EQ(batch.episode_id[1], 0);
}

// Steps until the exit room's stage `start` terminates when its actions are
// `script` then `filler` forever (-1: not within 32 steps).
int steps_to_goal(ExitRoomStart start, const std::vector<std::uint8_t>& script, std::uint8_t filler) {
  const auto stage = std::filesystem::temp_directory_path() / ("dreamer_env_test_stage_" + std::to_string(::getpid()) +
                                                               "_" + std::to_string(exit_room_start_moves(start)));
  build_exit_room_stage(kRoms / "exit_room.gb", stage, StepSchedule{}, start);
  TaskSpec spec;
  spec.rom = kRoms / "exit_room.gb";
  spec.start_state = stage / "start.state";
  spec.goal_dir = stage;
  spec.max_steps = 32;
  const Task task = Task::load(spec);
  auto env = make_batched_env(task, {Backend::kCpu, 1, 1});
  HostBatch batch(1);
  env->reset(nullptr, batch.view());
  int result = -1;
  for (int step = 0; step < 32 && result < 0; ++step) {
    const std::uint8_t action = step < static_cast<int>(script.size()) ? script[step] : filler;
    env->step(&action, batch.view());
    if (batch.terminated[0]) result = step + 1;
  }
  std::filesystem::remove_all(stage);
  return result;
}

constexpr std::uint8_t kDownButton = 5, kRightButton = 7;

// exit_room_near: 3 x RIGHT and 4 x DOWN, the last into the door, reach it in
// any order, so its 7 moves are a real path; pressing DOWN alone ends at the
// wall left of the door and never terminates. Success counts after
// k_consecutive - 1 = 3 more steps on the goal screen.
TEST(ExitRoomNear, SevenMovesInEitherOrderExitAndDownAloneDoesNot) {
  constexpr std::uint8_t D = kDownButton, R = kRightButton;
  EXPECT_EQ(steps_to_goal(ExitRoomStart::kNear, {R, R, R, D, D, D, D}, D), 7 + 3);
  EXPECT_EQ(steps_to_goal(ExitRoomStart::kNear, {D, D, D, R, R, R, D}, D), 7 + 3);
  EXPECT_EQ(steps_to_goal(ExitRoomStart::kNear, {}, D), -1);
  EXPECT_EQ(steps_to_goal(ExitRoomStart::kNear, {}, R), -1);
}

// exit_room_door (the CPU gate's task): 1 x RIGHT among 3 x DOWN; neither
// button alone gets out.
TEST(ExitRoomDoor, FourMovesWithOneTurnExitAndNoConstantButtonDoes) {
  constexpr std::uint8_t D = kDownButton, R = kRightButton;
  EXPECT_EQ(steps_to_goal(ExitRoomStart::kDoor, {R, D, D, D}, D), 4 + 3);
  EXPECT_EQ(steps_to_goal(ExitRoomStart::kDoor, {D, D, R, D}, D), 4 + 3);
  EXPECT_EQ(steps_to_goal(ExitRoomStart::kDoor, {}, D), -1);
  EXPECT_EQ(steps_to_goal(ExitRoomStart::kDoor, {}, R), -1);
}

// exit_room_turn (the CPU profile's task): RIGHT, then DOWN into the door; a
// DOWN first meets the wall, and neither button alone gets out.
TEST(ExitRoomTurn, RightThenDownExitsAndNoConstantButtonDoes) {
  constexpr std::uint8_t D = kDownButton, R = kRightButton;
  EXPECT_EQ(steps_to_goal(ExitRoomStart::kTurn, {R, D}, D), 2 + 3);
  EXPECT_EQ(steps_to_goal(ExitRoomStart::kTurn, {D, R, D}, D), 3 + 3);
  EXPECT_EQ(steps_to_goal(ExitRoomStart::kTurn, {}, D), -1);
  EXPECT_EQ(steps_to_goal(ExitRoomStart::kTurn, {}, R), -1);
}

TEST_F(ExitRoomEnv, StandingStillTruncatesAtMaxSteps) {
  TaskSpec short_spec = spec();
  short_spec.max_steps = 5;
  const Task task = Task::load(short_spec);
  auto env = make_batched_env(task, {Backend::kCpu, 1, 1});
  HostBatch batch(1);
  env->reset(nullptr, batch.view());
  const std::uint8_t noop = 0;
  for (int step = 1; step <= 5; ++step) {
    env->step(&noop, batch.view());
    EXPECT_EQ(batch.truncated[0], step == 5 ? 1 : 0) << step;
    EXPECT_EQ(batch.terminated[0], 0);
  }
}

TEST_F(ExitRoomEnv, ThreadCountDoesNotChangeAnything) {
  const Task task = Task::load(spec());
  constexpr int kEnvs = 16;
  auto one = make_batched_env(task, {Backend::kCpu, kEnvs, 1});
  auto two = make_batched_env(task, {Backend::kCpu, kEnvs, 2});
  HostBatch a(kEnvs), b(kEnvs);
  one->reset(nullptr, a.view());
  two->reset(nullptr, b.view());
  std::mt19937 random(11);
  std::vector<std::uint8_t> actions(kEnvs);
  for (int step = 0; step < 60; ++step) {
    for (auto& action : actions) action = static_cast<std::uint8_t>(random() % 8);
    one->step(actions.data(), a.view());
    two->step(actions.data(), b.view());
    ASSERT_EQ(a.observation, b.observation) << step;
    ASSERT_EQ(a.reward, b.reward) << step;
    ASSERT_EQ(a.is_first, b.is_first) << step;
  }
  const auto consoles_one = one->consoles();
  const auto consoles_two = two->consoles();
  for (int env = 0; env < kEnvs; ++env)
    EXPECT_EQ(std::memcmp(&consoles_one[env], &consoles_two[env], sizeof(gb::Console)), 0) << env;
}

TEST_F(ExitRoomEnv, ObservationsGoStraightIntoStridedSlots) {
  const Task task = Task::load(spec());
  auto env = make_batched_env(task, {Backend::kCpu, 3, 1});
  HostBatch batch(3);
  constexpr std::size_t kStride = 5 * 1440;  // e.g. a replay ring of 5 steps per env
  std::vector<std::uint8_t> ring(3 * kStride, 0xAA);
  EnvBatchOutputs out = batch.view();
  out.observation = ring.data() + 2 * 1440;  // slot t = 2
  out.observation_stride = kStride;
  env->reset(nullptr, out);
  for (int e = 0; e < 3; ++e) {
    EXPECT_TRUE(std::equal(task.reset_observation().begin(), task.reset_observation().end(),
                           ring.begin() + e * kStride + 2 * 1440));
    EXPECT_EQ(ring[e * kStride + 1440], 0xAA) << "slot 1 untouched";
  }
}

TEST(StaticScreenEnv, ConstantActionGivesIdenticalFramesStepAfterStep) {
  const auto stage = std::filesystem::temp_directory_path() / ("dreamer_env_test_static_" + std::to_string(::getpid()));
  build_static_screen_stage(kRoms / "static_screen.gb", stage, StepSchedule{});
  TaskSpec spec;
  spec.rom = kRoms / "static_screen.gb";
  spec.start_state = stage / "start.state";
  spec.max_steps = 1000;
  const Task task = Task::load(spec);
  auto env = make_batched_env(task, {Backend::kCpu, 1, 1});
  HostBatch batch(1);
  env->reset(nullptr, batch.view());
  const std::vector<std::uint8_t> first = batch.observation;
  int nonzero = 0;
  for (const std::uint8_t byte : first) nonzero += byte != 0;
  EXPECT_GT(nonzero, 100) << "the static screen is not blank";
  for (const std::uint8_t action : {0, 1, 5}) {
    for (int step = 0; step < 50; ++step) {
      env->step(&action, batch.view());
      ASSERT_EQ(batch.observation, first) << "action " << int(action) << " step " << step;
    }
  }
  std::filesystem::remove_all(stage);
}

TEST(TaskLoading, RefusesBadInputsWithOneError) {
  TaskSpec spec;
  spec.rom = "/nonexistent/rom.gb";
  EXPECT_THROW(Task::load(spec), Error);
  spec.rom = kRoms / "exit_room.gb";
  spec.max_steps = 0;
  EXPECT_THROW(Task::load(spec), ConfigError);
  spec.max_steps = 10;
  spec.goal_dir = "/nonexistent/goal";
  EXPECT_THROW(Task::load(spec), Error);
  const auto wrong_state = std::filesystem::temp_directory_path() / "dreamer_wrong.state";
  std::ofstream(wrong_state) << "not a state";
  spec.goal_dir.clear();
  spec.start_state = wrong_state;
  EXPECT_THROW(Task::load(spec), Error);
}

// Task::load and both stage builders read ROMs through gb::read_rom_file,
// which refuses an oversized file from its size before reading it.
TEST(TaskLoading, EveryRomLoaderRefusesAFileOver8MiBNamingIt) {
  const auto huge = std::filesystem::temp_directory_path() / ("dreamer_huge_" + std::to_string(::getpid()) + ".gb");
  std::ofstream(huge, std::ios::binary).close();
  std::filesystem::resize_file(huge, 16 * 1024 * 1024);  // sparse
  const auto stage = std::filesystem::temp_directory_path() / ("dreamer_huge_stage_" + std::to_string(::getpid()));
  const auto expect_refused = [&](const std::function<void()>& load) {
    try {
      load();
      ADD_FAILURE() << "a 16 MiB ROM was accepted";
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find(huge.string() + "': 16777216 bytes is larger than the 8 MiB maximum"),
                std::string::npos)
          << error.what();
    }
  };
  TaskSpec spec;
  spec.rom = huge;
  expect_refused([&] { Task::load(spec); });
  expect_refused([&] { build_static_screen_stage(huge, stage, StepSchedule{}); });
  expect_refused([&] { build_exit_room_stage(huge, stage, StepSchedule{}); });
  std::filesystem::remove(huge);
  std::filesystem::remove_all(stage);
}

TEST(TaskLoading, RefusesAGoalMadeForAnotherSchedule) {
  const auto stage =
      std::filesystem::temp_directory_path() / ("dreamer_env_test_schedule_" + std::to_string(::getpid()));
  build_exit_room_stage(kRoms / "exit_room.gb", stage, StepSchedule{});
  TaskSpec spec;
  spec.rom = kRoms / "exit_room.gb";
  spec.goal_dir = stage;
  spec.schedule.frames_per_step = 12;
  EXPECT_THROW(Task::load(spec), Error);
  std::filesystem::remove_all(stage);
}

TEST(MakeBatchedEnv, RefusesAnUnavailableBackendClearly) {
  TaskSpec spec;
  spec.rom = kRoms / "static_screen.gb";
  const Task task = Task::load(spec);
  EXPECT_THROW(make_batched_env(task, {Backend::kCpu, 0, 1}), ConfigError);
  // No GPU on this machine (or CUDA not built): one clear error, no crash.
  try {
    auto env = make_batched_env(task, {Backend::kCuda, 4, 1});
    SUCCEED() << "a GPU is present";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("CUDA"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace dreamer::env
