#include "actors/env/rl_stages.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "common/error.hpp"
#include "common/file_io.hpp"

namespace dreamer {
namespace {

const std::filesystem::path kPredecessor = std::filesystem::path(DREAMER_SHARED_DIR) / "predecessor_formats";

TEST(RlStages, ReadsThePredecessorsStageList) {
  const auto path = kPredecessor / "rl_stages.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "predecessor files not found at " << path << "; skipping";
  const StageList list = load_rl_stages(path);
  EXPECT_EQ(list.abi, TaskAbi{});
  ASSERT_EQ(list.stages.size(), 5u);
  const StageEntry& exit_oak = list.find("stage1_exit_oak");
  EXPECT_EQ(exit_oak.max_steps, 128);
  EXPECT_EQ(exit_oak.goal_dir, "states/rl_stage1_exit_oak");
  EXPECT_EQ(list.find("stage5_time_to_go").max_steps, 64);
  EXPECT_EQ(list.find("stage4_at_snes").status, "skipped");
  EXPECT_THROW(list.find("stage9"), Error);
}

TEST(RlStages, ReadsTheProjectsOwnStageList) {
  const StageList list = load_rl_stages(std::filesystem::path(DREAMER_SOURCE_DIR) / "states/rl_stages.json");
  EXPECT_EQ(list.abi, TaskAbi{});
  EXPECT_FALSE(list.stages.empty());
}

void expect_error_mentioning(const std::string& json, const std::string& word) {
  const auto path = std::filesystem::temp_directory_path() / "dreamer_rl_stages_test.json";
  std::ofstream(path) << json;
  try {
    load_rl_stages(path);
    ADD_FAILURE() << "expected an error mentioning " << word;
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(word), std::string::npos) << error.what();
  }
  std::filesystem::remove(path);
}

TEST(RlStages, SchemaProblemsNameTheField) {
  const std::string abi =
      R"("abi": {"action_codec_id": "pokemonred_puffer_v1", "frames_per_step": 24, "release_after_frames": 8,
                 "stack_k": 1, "downsample_h": 72, "downsample_w": 80, "shade_levels": 4, "dist_metric": "l1_mean_norm"})";
  expect_error_mentioning("{" + abi + "}", "stages");
  expect_error_mentioning("{" + abi + R"(, "stages": [{"id": "a", "name": "b", "status": "ready"}]})", "start_state");
  expect_error_mentioning(R"({"abi": {"action_codec_id": "other"}, "stages": []})", "frames_per_step");
  std::string wrong_frames = abi;
  wrong_frames.replace(wrong_frames.find("\"frames_per_step\": 24"), 21, "\"frames_per_step\": 0");
  expect_error_mentioning("{" + wrong_frames + R"(, "stages": []})", "frames_per_step");
  expect_error_mentioning("[1, 2", "invalid JSON");
}

TEST(RlStages, AddingAStageKeepsTheFileAndRefusesATakenIdOrAnotherAbi) {
  const auto path = std::filesystem::temp_directory_path() / "dreamer_rl_stages_add_test.json";
  std::filesystem::remove(path);
  StageEntry stage{"first", "First", "ready", "states/a/start.state", "states/a/goal_source.state", "states/a", 64, ""};
  add_stage_entry(path, stage, TaskAbi{});  // creates the file
  stage.id = "second";
  stage.rom = "game.gb";
  add_stage_entry(path, stage, TaskAbi{});
  const StageList list = load_rl_stages(path);
  ASSERT_EQ(list.stages.size(), 2u);
  EXPECT_EQ(list.stages[0].id, "first");
  EXPECT_EQ(list.stages[0].rom, "");
  EXPECT_EQ(list.stages[1].rom, "game.gb");
  EXPECT_EQ(list.stages[1].max_steps, 64);

  const std::string before = read_file_text(path);
  const auto expect_refused = [&](const StageEntry& entry, const TaskAbi& abi, const std::string& words) {
    try {
      add_stage_entry(path, entry, abi);
      ADD_FAILURE() << "expected: " << words;
    } catch (const Error& error) {
      EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
    }
    EXPECT_EQ(read_file_text(path), before) << "a refused stage changes nothing";
  };
  expect_refused(stage, TaskAbi{}, "stage 'second' is already listed");
  stage.id = "third";
  TaskAbi other;
  other.schedule.frames_per_step = 12;
  expect_refused(stage, other, "is not the new stage's (12, 8)");
  stage.max_steps = 0;
  expect_refused(stage, TaskAbi{}, "needs max_steps >= 1");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace dreamer
