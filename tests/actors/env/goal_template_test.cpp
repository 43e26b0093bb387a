#include "actors/env/goal_template.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <nlohmann/json.hpp>

#include "actors/env/npy.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "tests/common/scratch_dir_test.hpp"

namespace dreamer {
namespace {

const std::filesystem::path kPredecessor = std::filesystem::path(DREAMER_SHARED_DIR) / "predecessor_formats";

class GoalTemplateTest : public ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    goal_.meta.rom_sha256 = std::string(64, 'a');
    goal_.meta.state_sha256 = std::string(64, 'b');
    goal_.meta.created_at = "2026-11-26T00:00:00Z";
    goal_.shades.resize(72 * 80);
    for (std::size_t i = 0; i < goal_.shades.size(); ++i) goal_.shades[i] = static_cast<std::uint8_t>(i * 7 % 4);
  }

  GoalTemplate goal_;
};

TEST_F(GoalTemplateTest, ReadsThePredecessorsMetaFiles) {
  const auto path = kPredecessor / "rl_stage1_exit_oak/goal_template.meta.json";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "predecessor files not found at " << path << "; skipping";
  const GoalMeta meta = load_goal_meta(path);
  EXPECT_EQ(meta.abi, TaskAbi{});
  EXPECT_DOUBLE_EQ(meta.tau, 0.05);
  EXPECT_EQ(meta.k_consecutive, 4);
  EXPECT_EQ(meta.rom_sha256, "5ca7ba01642a3b27b0cc0b5349b52792795b62d3ed977e98a09390659af96b7b");
  EXPECT_EQ(meta.state_sha256, "34926f6e2a0b17173843e56450d9f964b33aac351a808c53eeb1ea78b946f23d");
  EXPECT_EQ(meta.state_path, "states/rl_stage1_exit_oak/goal_source.state");
}

TEST_F(GoalTemplateTest, WrittenTemplatesLoadBackWithTheirShades) {
  write_goal_template(dir_, goal_);
  const GoalTemplate back = load_goal_template(dir_, {TaskAbi{}, goal_.meta.rom_sha256, goal_.meta.state_sha256});
  EXPECT_EQ(back.shades, goal_.shades);
  EXPECT_EQ(back.meta.abi, TaskAbi{});
  // The meta is in the predecessor's key set: its loader's fields all exist.
  const auto json = nlohmann::json::parse(read_file_text(dir_ / "goal_template.meta.json"));
  for (const char* key :
       {"action_codec_id", "actions_path", "actions_sha256", "created_at", "dist_metric", "downsample_h",
        "downsample_w", "frames_per_step", "k_consecutive", "pipeline_version", "release_after_frames", "rom_path",
        "rom_sha256", "schema_version", "shade_levels", "stack_k", "state_path", "state_sha256", "tau"})
    EXPECT_TRUE(json.contains(key)) << key;
}

void expect_refused(const std::filesystem::path& dir, const GoalExpectations& expect, const std::string& word) {
  try {
    load_goal_template(dir, expect);
    ADD_FAILURE() << "expected an error mentioning " << word;
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(word), std::string::npos) << error.what();
  }
}

TEST_F(GoalTemplateTest, RefusesTemplatesMadeForAnotherRunOrGame) {
  write_goal_template(dir_, goal_);
  TaskAbi other_schedule;
  other_schedule.schedule.frames_per_step = 4;
  expect_refused(dir_, {other_schedule, std::nullopt, std::nullopt}, "frames_per_step");
  TaskAbi other_release;
  other_release.schedule.release_after_frames = 2;
  expect_refused(dir_, {other_release, std::nullopt, std::nullopt}, "release_after_frames");
  expect_refused(dir_, {TaskAbi{}, std::string(64, 'c'), std::nullopt}, "rom_sha256");
  expect_refused(dir_, {TaskAbi{}, std::nullopt, std::string(64, 'd')}, "state_sha256");
}

TEST_F(GoalTemplateTest, RefusesBadPixelsShapesAndSchemas) {
  goal_.shades[100] = 4;
  write_goal_template(dir_, goal_);
  expect_refused(dir_, {}, "shade 4");

  goal_.shades[100] = 0;
  write_goal_template(dir_, goal_);
  write_npy_u8(dir_ / "goal_template.npy", NpyU8{{72, 40}, std::vector<std::uint8_t>(72 * 40)});
  expect_refused(dir_, {}, "shape");

  write_goal_template(dir_, goal_);
  auto json = nlohmann::json::parse(read_file_text(dir_ / "goal_template.meta.json"));
  json["schema_version"] = 2;
  write_file_atomic(dir_ / "goal_template.meta.json", json.dump());
  expect_refused(dir_, {}, "schema_version");
  json["schema_version"] = 1;
  json.erase("tau");
  write_file_atomic(dir_ / "goal_template.meta.json", json.dump());
  expect_refused(dir_, {}, "tau");
  // A number no type holds is a JSON error naming the file, not nlohmann's
  // out_of_range escaping (a fuzz finding).
  write_file_atomic(dir_ / "goal_template.meta.json", R"({"tau": 486e812435})");
  expect_refused(dir_, {}, "goal_template.meta.json");
}

}  // namespace
}  // namespace dreamer
