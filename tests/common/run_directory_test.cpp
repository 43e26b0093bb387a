#include "common/run/run_directory.hpp"

#include <gtest/gtest.h>

#include <fstream>

#include "common/error.hpp"
#include "common/run/run_meta.hpp"

namespace dreamer {
namespace {

std::chrono::system_clock::time_point fixed_time() {
  // 2026-11-26 01:02:03 UTC.
  return std::chrono::system_clock::time_point(std::chrono::seconds(1795654923));
}

TEST(RunDirectory, NameFollowsTheDesignedPattern) {
  EXPECT_EQ(run_directory_name(fixed_time(), "exit_room", "smoke"), "20261126_010203__dreamer_v3__exit_room__smoke");
}

TEST(RunDirectory, RefusesUnsafeTagsAndStems) {
  EXPECT_THROW(run_directory_name(fixed_time(), "red", "a/b"), ConfigError);
  EXPECT_THROW(run_directory_name(fixed_time(), "red", ""), ConfigError);
  EXPECT_THROW(run_directory_name(fixed_time(), "re d", "x"), ConfigError);
}

TEST(RunDirectory, CreatesItsFoldersOnceAndReopensForResume) {
  const auto root = std::filesystem::temp_directory_path() / "dreamer_run_directory_test";
  std::filesystem::remove_all(root);
  const RunDirectory run = create_run_directory(root, fixed_time(), "red", "t");
  EXPECT_TRUE(std::filesystem::is_directory(run.checkpoints()));
  EXPECT_TRUE(std::filesystem::is_directory(run.failures()));
  EXPECT_EQ(run.metrics_jsonl().filename(), "metrics.jsonl");
  EXPECT_THROW(create_run_directory(root, fixed_time(), "red", "t"), Error);
  EXPECT_THROW(open_run_directory(run.root), Error);  // no config.json yet
  std::ofstream(run.config_json()) << "{}";
  EXPECT_EQ(open_run_directory(run.root).root, run.root);
  std::filesystem::remove_all(root);
}

TEST(RunMeta, RecordsVersionsHostAndGit) {
  RunMeta meta;
  meta.versions = collect_runtime_versions();
  meta.git = read_git_info();
  meta.host = host_name();
  meta.ranks.world_size = 4;
  const nlohmann::json json = to_json(meta);
  EXPECT_FALSE(json["versions"]["mpi"].get<std::string>().empty());
  EXPECT_EQ(json["versions"]["hdf5"].get<std::string>().substr(0, 3), "1.1");
  EXPECT_EQ(json["ranks"]["world_size"], 4);
  EXPECT_FALSE(json["host"].get<std::string>().empty());
  // A git checkout gives a 40-digit hash; a source tarball gives "unknown".
  const bool checkout = std::filesystem::exists(std::filesystem::path(DREAMER_SOURCE_DIR) / ".git");
  EXPECT_EQ(json["git"]["commit"].get<std::string>().size(), checkout ? 40u : 7u);
  EXPECT_TRUE(json["git"]["dirty"].is_boolean());
}

}  // namespace
}  // namespace dreamer
