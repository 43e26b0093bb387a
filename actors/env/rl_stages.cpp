#include "actors/env/rl_stages.hpp"

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/json_fields.hpp"

namespace dreamer {

void TaskAbi::validate() const {
  if (action_codec_id != "pokemonred_puffer_v1")
    throw ConfigError("action_codec_id", "unknown codec '" + action_codec_id + "' (known: pokemonred_puffer_v1)");
  schedule.validate();
  if (stack_k != 1) throw ConfigError("stack_k", "only 1 is supported, got " + std::to_string(stack_k));
  if (downsample_h != 72 || downsample_w != 80)
    throw ConfigError("downsample_h/downsample_w", "must be 72 x 80 (packed2), got " + std::to_string(downsample_h) +
                                                       " x " + std::to_string(downsample_w));
  if (shade_levels != 4) throw ConfigError("shade_levels", "must be 4, got " + std::to_string(shade_levels));
  if (dist_metric != "l1_mean_norm")
    throw ConfigError("dist_metric", "unknown metric '" + dist_metric + "' (known: l1_mean_norm)");
}

TaskAbi read_task_abi(const nlohmann::json& object, const std::string& source) {
  TaskAbi abi;
  abi.action_codec_id = json_field<std::string>(object, "action_codec_id", source);
  abi.schedule.frames_per_step = json_field<int>(object, "frames_per_step", source);
  abi.schedule.release_after_frames = json_field<int>(object, "release_after_frames", source);
  abi.stack_k = json_field<int>(object, "stack_k", source);
  abi.downsample_h = json_field<int>(object, "downsample_h", source);
  abi.downsample_w = json_field<int>(object, "downsample_w", source);
  abi.shade_levels = json_field<int>(object, "shade_levels", source);
  abi.dist_metric = json_field<std::string>(object, "dist_metric", source);
  return abi;
}

const StageEntry& StageList::find(const std::string& id) const {
  std::string known;
  for (const StageEntry& stage : stages) {
    if (stage.id == id) return stage;
    known += (known.empty() ? "" : ", ") + stage.id;
  }
  throw Error("no stage '" + id + "' (known: " + known + ")");
}

StageList load_rl_stages(const std::filesystem::path& path) {
  const std::string source = path.string();
  const nlohmann::json root = parse_json_file(source);
  StageList list;
  const auto abi = json_field<nlohmann::json>(root, "abi", source);
  list.abi = read_task_abi(abi, source + " abi");
  try {
    list.abi.validate();
  } catch (const ConfigError& error) {
    throw Error(source + ": " + error.what());
  }
  const auto stages = json_field<nlohmann::json>(root, "stages", source);
  if (!stages.is_array()) throw Error(source + ": field 'stages' must be an array");
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const std::string stage_source = source + " stages[" + std::to_string(i) + "]";
    StageEntry stage;
    stage.id = json_field<std::string>(stages[i], "id", stage_source);
    stage.name = json_field<std::string>(stages[i], "name", stage_source);
    stage.status = json_field<std::string>(stages[i], "status", stage_source);
    stage.start_state = json_field<std::string>(stages[i], "start_state", stage_source);
    stage.goal_source_state = json_field<std::string>(stages[i], "goal_source_state", stage_source);
    stage.goal_dir = json_field<std::string>(stages[i], "goal_dir", stage_source);
    stage.max_steps = json_field<int>(stages[i], "max_steps", stage_source);
    stage.rom = stages[i].value("rom", "");
    if (stage.max_steps < 1) throw Error(stage_source + ": field 'max_steps' must be >= 1");
    list.stages.push_back(std::move(stage));
  }
  return list;
}

namespace {

nlohmann::ordered_json abi_json(const TaskAbi& abi) {
  return {{"action_codec_id", abi.action_codec_id},
          {"frames_per_step", abi.schedule.frames_per_step},
          {"release_after_frames", abi.schedule.release_after_frames},
          {"stack_k", abi.stack_k},
          {"downsample_h", abi.downsample_h},
          {"downsample_w", abi.downsample_w},
          {"shade_levels", abi.shade_levels},
          {"dist_metric", abi.dist_metric}};
}

nlohmann::ordered_json stage_json(const StageEntry& stage) {
  nlohmann::ordered_json entry = {{"id", stage.id},
                                  {"name", stage.name},
                                  {"status", stage.status},
                                  {"start_state", stage.start_state},
                                  {"goal_source_state", stage.goal_source_state},
                                  {"goal_dir", stage.goal_dir},
                                  {"max_steps", stage.max_steps}};
  if (!stage.rom.empty()) entry["rom"] = stage.rom;
  return entry;
}

}  // namespace

void add_stage_entry(const std::filesystem::path& path, const StageEntry& stage, const TaskAbi& abi) {
  const std::string source = path.string();
  if (stage.id.empty()) throw Error(source + ": a stage needs an id");
  if (stage.max_steps < 1) throw Error(source + ": stage '" + stage.id + "' needs max_steps >= 1");
  nlohmann::ordered_json root;
  if (std::filesystem::exists(path)) {
    const StageList list = load_rl_stages(path);  // the whole file is valid before it is rewritten
    for (const StageEntry& existing : list.stages)
      if (existing.id == stage.id) throw Error(source + ": stage '" + stage.id + "' is already listed");
    if (!(list.abi == abi))
      throw Error(source + ": its abi (frames_per_step " + std::to_string(list.abi.schedule.frames_per_step) +
                  ", release_after_frames " + std::to_string(list.abi.schedule.release_after_frames) +
                  ") is not the new stage's (" + std::to_string(abi.schedule.frames_per_step) + ", " +
                  std::to_string(abi.schedule.release_after_frames) + ")");
    root = nlohmann::ordered_json::parse(read_file_text(path));
  } else {
    root = {{"abi", abi_json(abi)}, {"stages", nlohmann::ordered_json::array()}};
  }
  root["stages"].push_back(stage_json(stage));
  write_file_atomic(path, root.dump(2) + "\n");
}

}  // namespace dreamer
