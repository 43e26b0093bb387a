// The town's stages (states/rl_stages.json, made at build time by
// dreamer_stage from states/town_stages/): the shortest path reaches each
// goal at the step docs/roms.md gives, a place next to the goal is not the
// goal, and a random policy rarely succeeds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "actors/env/batched_env.hpp"
#include "actors/env/button_script.hpp"
#include "actors/env/rl_stages.hpp"
#include "actors/env/stage_capture.hpp"
#include "actors/env/task.hpp"
#include "actors/gb/start_state.hpp"

namespace dreamer::env {
namespace {

const std::filesystem::path kSource = DREAMER_SOURCE_DIR;
const std::filesystem::path kStagesRoot = std::filesystem::path(DREAMER_STAGES_DIR).parent_path();

TaskSpec stage_spec(const std::string& id) {
  const StageList list = load_rl_stages(kSource / "states/rl_stages.json");
  const StageEntry& stage = list.find(id);
  TaskSpec spec;
  spec.rom = std::filesystem::path(DREAMER_ROMS_DIR) / stage.rom;
  spec.start_state = kStagesRoot / stage.start_state;
  spec.goal_dir = kStagesRoot / stage.goal_dir;
  spec.max_steps = stage.max_steps;
  spec.schedule = list.abi.schedule;
  return spec;
}

std::vector<std::uint8_t> goal_script(const std::string& name) {
  return load_button_script(kSource / "states/town_stages" / name);
}

struct Shortest {
  const char* id;
  const char* script;
  int steps;  // the step whose observation ends the episode (docs/roms.md)
};
constexpr Shortest kShortest[] = {{"town_leave_house", "leave_house.goal.txt", 23},
                                  {"town_cross_to_shop", "cross_to_shop.goal.txt", 18},
                                  {"town_talk_clerk", "talk_clerk.goal.txt", 20}};

TEST(TownStages, TheShortestPathEndsTheEpisodeAtItsDocumentedStep) {
  for (const Shortest& shortest : kShortest) {
    const Task task = Task::load(stage_spec(shortest.id));
    auto env = make_batched_env(task, {Backend::kCpu, 1, 1});
    HostBatch batch(1);
    env->reset(nullptr, batch.view());
    EXPECT_GT(batch.dist[0], task.view().goal.tau) << shortest.id << ": the start is not the goal";
    std::vector<std::uint8_t> actions = goal_script(shortest.script);
    int step = 1;
    for (; step <= task.view().goal.max_steps; ++step) {
      std::uint8_t action = step <= static_cast<int>(actions.size()) ? actions[step - 1] : 0;
      env->step(&action, batch.view());
      if (batch.terminated[0] != 0 || batch.truncated[0] != 0) break;
    }
    EXPECT_EQ(batch.terminated[0], 1) << shortest.id;
    EXPECT_EQ(step, shortest.steps) << shortest.id << ": " << actions.size() << " scripted actions";
  }
}

// The distance between the goal and a state `moves` away from the goal
// source state.
float distance_after(const std::string& id, const std::vector<std::uint8_t>& moves) {
  const TaskSpec spec = stage_spec(id);
  const Task task = Task::load(spec);
  const gb::Rom rom = gb::load_rom(spec.rom);
  gb::Console console = gb::load_start_state_file(spec.goal_dir / "goal_source.state", rom);
  replay_actions(console, rom, spec.schedule, moves);
  const StateView view = view_state(console, rom, spec.schedule);
  std::vector<std::uint8_t> packed(packed2::kBytesPerFrame);
  packed2::pack_frame(view.shades.data(), packed.data());
  return goal_distance(task.view(), packed.data());
}

TEST(TownStages, APlaceNextToTheGoalIsNotTheGoal) {
  const float tau = 0.05f;
  // The NPCs walk on while the player stands on the goal: it stays the goal.
  for (const char* id : {"town_leave_house", "town_cross_to_shop", "town_talk_clerk"}) {
    float farthest = 0.0f;
    for (int wait = 0; wait <= 32; wait += 4)
      farthest = std::max(farthest, distance_after(id, std::vector<std::uint8_t>(wait, 0)));
    std::cout << id << ": standing on the goal for up to 32 steps, distance at most " << farthest << "\n";
    EXPECT_LE(farthest, tau) << id;
  }
  EXPECT_GT(distance_after("town_leave_house", {6}), tau) << "one block west of the door's front";
  EXPECT_GT(distance_after("town_cross_to_shop", {7}), tau) << "one block east of the mat's front";
  EXPECT_GT(distance_after("town_talk_clerk", {2}), tau) << "the same place with the text box closed (B)";
}

// A uniform random policy over the 8 actions, one episode per env.
// DREAMER_TOWN_RANDOM_EPISODES sets the episodes per stage (default 64).
TEST(TownStages, ARandomPolicyRarelySucceeds) {
  int episodes = 64;
  if (const char* text = std::getenv("DREAMER_TOWN_RANDOM_EPISODES")) episodes = std::atoi(text);
  ASSERT_GT(episodes, 0);
  for (const Shortest& stage : kShortest) {
    const Task task = Task::load(stage_spec(stage.id));
    auto env = make_batched_env(task, {Backend::kCpu, episodes, 0});
    HostBatch batch(episodes);
    env->reset(nullptr, batch.view());
    std::mt19937 random(20261207);
    std::vector<std::uint8_t> actions(static_cast<std::size_t>(episodes));
    std::vector<int> outcome(static_cast<std::size_t>(episodes), -1);  // -1 running, 0 truncated, 1 succeeded
    for (int step = 0; step < task.view().goal.max_steps; ++step) {
      for (auto& action : actions) action = static_cast<std::uint8_t>(random() % 8);
      env->step(actions.data(), batch.view());
      for (int e = 0; e < episodes; ++e) {
        if (outcome[e] >= 0) continue;
        if (batch.terminated[e] != 0) outcome[e] = 1;
        if (batch.truncated[e] != 0) outcome[e] = 0;
      }
    }
    int successes = 0;
    for (int e = 0; e < episodes; ++e) {
      ASSERT_GE(outcome[e], 0) << "every episode ends within max_steps";
      successes += outcome[e];
    }
    const double rate = static_cast<double>(successes) / episodes;
    std::cout << stage.id << " random policy: " << successes << "/" << episodes << " episodes succeeded within "
              << task.view().goal.max_steps << " steps\n";
    EXPECT_LE(rate, 0.05) << stage.id;
  }
}

}  // namespace
}  // namespace dreamer::env
