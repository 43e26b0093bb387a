#pragma once
// states/rl_stages.json: the task ABI shared by every stage (action codec,
// step schedule, observation shape, distance metric) and the stage list, in
// the schema the Python predecessor wrote:
//
//   { "abi": { "action_codec_id": "pokemonred_puffer_v1", "frames_per_step": 24,
//              "release_after_frames": 8, "stack_k": 1, "downsample_h": 72,
//              "downsample_w": 80, "shade_levels": 4, "dist_metric": "l1_mean_norm" },
//     "stages": [ { "id", "name", "status", "start_state", "goal_source_state",
//                   "goal_dir", "max_steps" }, ... ] }
//
// The project's own stages add "rom" (the built ROM's file name).
// Paths inside are relative to the folder that holds the states/ directory
// (the repository root for the project's own stages).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "actors/env/step_schedule.hpp"

namespace dreamer {

struct TaskAbi {
  std::string action_codec_id = "pokemonred_puffer_v1";
  StepSchedule schedule;  // "frames_per_step", "release_after_frames"
  int stack_k = 1;
  int downsample_h = 72;
  int downsample_w = 80;
  int shade_levels = 4;
  std::string dist_metric = "l1_mean_norm";

  // The only ABI this system implements; throws ConfigError naming the field.
  void validate() const;
  bool operator==(const TaskAbi&) const = default;
};

// Reads the ABI's fields from `object` (rl_stages.json's "abi", or a goal
// template's meta, which holds them at its top level) without validating
// them; throws dreamer::Error naming `source` and a missing or mistyped field.
TaskAbi read_task_abi(const nlohmann::json& object, const std::string& source);

struct StageEntry {
  std::string id;
  std::string name;
  std::string status;  // "ready", "skipped", ...
  std::string start_state;
  std::string goal_source_state;
  std::string goal_dir;
  int max_steps = 0;
  // The project's own stages name their ROM (a file the build assembles);
  // empty for the predecessor's, whose ROM the user gives.
  std::string rom;
};

struct StageList {
  TaskAbi abi;
  std::vector<StageEntry> stages;

  // Throws dreamer::Error listing the known ids when `id` is absent.
  const StageEntry& find(const std::string& id) const;
};

// Throws dreamer::Error naming the file and field on any schema problem.
StageList load_rl_stages(const std::filesystem::path& path);

// Appends `stage` to the stage list at `path` (atomically, leaving the rest of
// the file as it was), or creates the file with `abi` when there is none.
// Throws dreamer::Error naming the file, changing nothing, when the file is
// bad, already has the id, or declares another ABI than `abi`.
void add_stage_entry(const std::filesystem::path& path, const StageEntry& stage, const TaskAbi& abi);

}  // namespace dreamer
