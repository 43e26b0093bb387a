#pragma once
// A stage's goal: `goal_template.npy` (uint8 [72, 80], shades 0..3) and
// `goal_template.meta.json` (schema_version 1) in the stage folder, as the
// Python predecessor wrote them. Loading checks the meta against the run's
// task ABI (codec, step schedule, shape, metric) and, when the caller knows
// them, against the ROM's and start state's sha256, so a template captured
// for another game or schedule is refused instead of silently misused.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "actors/env/rl_stages.hpp"

namespace dreamer {

struct GoalMeta {
  int schema_version = 1;
  TaskAbi abi;  // action_codec_id, frames_per_step, ..., dist_metric
  double tau = 0.05;
  int k_consecutive = 4;
  int pipeline_version = 1;
  std::string rom_path;
  std::string rom_sha256;
  std::string state_path;    // the goal source state
  std::string state_sha256;  // sha256 of the goal source state
  std::string actions_path = "state_only";
  std::string actions_sha256;
  std::string created_at;  // ISO 8601 UTC
};

struct GoalTemplate {
  GoalMeta meta;
  std::vector<std::uint8_t> shades;  // 72 * 80, row-major, 0..3
};

struct GoalExpectations {
  TaskAbi abi;
  std::optional<std::string> rom_sha256;
  std::optional<std::string> goal_state_sha256;
};

// Throws dreamer::Error naming the file and the mismatching field.
GoalMeta load_goal_meta(const std::filesystem::path& meta_path);
GoalTemplate load_goal_template(const std::filesystem::path& goal_dir, const GoalExpectations& expect);

// Writes both files (atomically each) in the predecessor's format.
void write_goal_template(const std::filesystem::path& goal_dir, const GoalTemplate& goal);

}  // namespace dreamer
