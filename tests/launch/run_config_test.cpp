// RunConfig in config.json: the replay layout is derived, never stored, and a
// config.json written before that (with the layout keys) still loads.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "common/config_json.hpp"
#include "common/error.hpp"
#include "launch/run_config.hpp"
#include "launch/run_setup.hpp"

namespace dreamer {
namespace {

RunConfig two_actor_config() {
  RunConfig config;
  config.actors = 2;
  config.envs_per_actor = 3;
  config.seed = 9;
  config.model.train.batch_size = 5;
  config.model.train.seq_len = 12;
  config.replay.commit_stride = 4;
  config.replay.min_size_to_sample = 96;
  config.derive_replay_layout();
  return config;
}

void expect_derived_layout(const RunConfig& config) {
  EXPECT_EQ(config.replay.num_streams, 6);
  EXPECT_EQ(config.replay.writer_groups, 2);
  EXPECT_EQ(config.replay.batch_size, 5);
  EXPECT_EQ(config.replay.seq_len, 12);
  EXPECT_EQ(config.replay.seed, 9u);
}

TEST(RunConfigJson, HoldsTheReplayValuesButNotItsDerivedLayout) {
  const nlohmann::json replay = nlohmann::json::parse(config_to_json(two_actor_config()))["config"]["replay"];
  EXPECT_EQ(replay.at("commit_stride"), 4);
  EXPECT_EQ(replay.at("min_size_to_sample"), 96);
  for (const char* derived : {"num_streams", "writer_groups", "batch_size", "seq_len", "seed"})
    EXPECT_FALSE(replay.contains(derived)) << derived;
  expect_derived_layout(config_from_json<RunConfig>(config_to_json(two_actor_config()), "test"));
}

TEST(RunConfigJson, OlderConfigWithTheLayoutLoadsAndDerivesItAgain) {
  nlohmann::json old = nlohmann::json::parse(config_to_json(two_actor_config()));
  old["config"]["replay"].update(
      {{"num_streams", 16}, {"writer_groups", 1}, {"batch_size", 64}, {"seq_len", 16}, {"seed", 1}});
  expect_derived_layout(config_from_json<RunConfig>(old.dump(), "old config.json"));
}

TEST(RunConfigJson, DevicesAreTheNamesCpuAndCudaAndOthersAreRefusedByField) {
  RunConfig config = two_actor_config();
  config.device = Device::kCuda;
  config.env_backend = Device::kCuda;
  nlohmann::json json = nlohmann::json::parse(config_to_json(config));
  EXPECT_EQ(json["config"]["device"], "cuda");
  EXPECT_EQ(json["config"]["env_backend"], "cuda");
  const RunConfig loaded = config_from_json<RunConfig>(json.dump(), "test");
  EXPECT_EQ(loaded.device, Device::kCuda);
  EXPECT_EQ(loaded.env_backend, Device::kCuda);

  json["config"]["env_backend"] = "gpu";
  try {
    config_from_json<RunConfig>(json.dump(), "test");
    FAIL() << "env_backend 'gpu' was accepted";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.field(), "env_backend");
    EXPECT_NE(std::string(error.what()).find("must be cpu or cuda, got 'gpu'"), std::string::npos) << error.what();
  }
  json["config"]["env_backend"] = "cuda";
  json["config"]["device"] = "cpu";
  try {
    config_from_json<RunConfig>(json.dump(), "test");
    FAIL() << "a CUDA env backend with a CPU learner was accepted";
  } catch (const ConfigError& error) {
    EXPECT_EQ(error.field(), "env_backend");
  }
}

// The project's stages were made with rl_stages.json's ABI: a run of one
// with another step schedule is refused; a user's own ROM may use any.
TEST(ResolveTask, StageRunsKeepTheStageListsSchedule) {
  TaskConfig task;
  EXPECT_EQ(resolve_task(task).schedule, StepSchedule{});
  task.schedule.release_after_frames = 4;
  try {
    resolve_task(task);
    ADD_FAILURE() << "a stage run with another schedule was accepted";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("rl_stages.json abi"), std::string::npos) << error.what();
  }
  task.rom = "my_game.gb";
  EXPECT_EQ(resolve_task(task).schedule.release_after_frames, 4);
}

}  // namespace
}  // namespace dreamer
