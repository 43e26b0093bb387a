#include "actors/env/goal_template.hpp"

#include <sstream>

#include "actors/env/npy.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/json_fields.hpp"
#include "common/packed2.hpp"

namespace dreamer {
namespace {

constexpr char kMetaName[] = "goal_template.meta.json";
constexpr char kNpyName[] = "goal_template.npy";

template <typename Value>
void expect_equal(const std::string& source, const char* field, const Value& found, const Value& expected) {
  if (!(found == expected)) {
    std::ostringstream message;
    message << source << ": field '" << field << "' is " << found << " but this run uses " << expected;
    throw Error(message.str());
  }
}

}  // namespace

GoalMeta load_goal_meta(const std::filesystem::path& meta_path) {
  const std::string source = meta_path.string();
  const nlohmann::json root = parse_json_file(source);
  GoalMeta meta;
  meta.schema_version = json_field<int>(root, "schema_version", source);
  if (meta.schema_version != 1)
    throw Error(source + ": schema_version " + std::to_string(meta.schema_version) + " is not supported (expected 1)");
  meta.abi = read_task_abi(root, source);
  meta.tau = json_field<double>(root, "tau", source);
  meta.k_consecutive = json_field<int>(root, "k_consecutive", source);
  meta.pipeline_version = json_field<int>(root, "pipeline_version", source);
  meta.rom_sha256 = json_field<std::string>(root, "rom_sha256", source);
  meta.state_sha256 = json_field<std::string>(root, "state_sha256", source);
  // Informational fields: absent in hand-made metas, kept when present.
  meta.rom_path = root.value("rom_path", "");
  meta.state_path = root.value("state_path", "");
  meta.actions_path = root.value("actions_path", "state_only");
  meta.actions_sha256 = root.value("actions_sha256", "");
  meta.created_at = root.value("created_at", "");
  if (!(meta.tau > 0.0 && meta.tau < 1.0)) throw Error(source + ": field 'tau' must be in (0, 1)");
  if (meta.k_consecutive < 1) throw Error(source + ": field 'k_consecutive' must be >= 1");
  return meta;
}

GoalTemplate load_goal_template(const std::filesystem::path& goal_dir, const GoalExpectations& expect) {
  GoalTemplate goal;
  const std::filesystem::path meta_path = goal_dir / kMetaName;
  goal.meta = load_goal_meta(meta_path);
  const std::string source = meta_path.string();
  const TaskAbi& found = goal.meta.abi;
  expect_equal(source, "action_codec_id", found.action_codec_id, expect.abi.action_codec_id);
  expect_equal(source, "frames_per_step", found.schedule.frames_per_step, expect.abi.schedule.frames_per_step);
  expect_equal(source, "release_after_frames", found.schedule.release_after_frames,
               expect.abi.schedule.release_after_frames);
  expect_equal(source, "stack_k", found.stack_k, expect.abi.stack_k);
  expect_equal(source, "downsample_h", found.downsample_h, expect.abi.downsample_h);
  expect_equal(source, "downsample_w", found.downsample_w, expect.abi.downsample_w);
  expect_equal(source, "shade_levels", found.shade_levels, expect.abi.shade_levels);
  expect_equal(source, "dist_metric", found.dist_metric, expect.abi.dist_metric);
  if (expect.rom_sha256) expect_equal(source, "rom_sha256", goal.meta.rom_sha256, *expect.rom_sha256);
  if (expect.goal_state_sha256) expect_equal(source, "state_sha256", goal.meta.state_sha256, *expect.goal_state_sha256);

  const std::filesystem::path npy_path = goal_dir / kNpyName;
  NpyU8 array = read_npy_u8(npy_path);
  const bool plain = array.shape == std::vector<std::int64_t>{packed2::kHeight, packed2::kWidth};
  const bool stacked = array.shape == std::vector<std::int64_t>{1, packed2::kHeight, packed2::kWidth};
  if (!plain && !stacked) throw Error(npy_path.string() + ": shape must be (72, 80) or (1, 72, 80)");
  for (const std::uint8_t shade : array.data)
    if (shade > 3) throw Error(npy_path.string() + ": holds shade " + std::to_string(shade) + ", expected 0..3");
  goal.shades = std::move(array.data);
  return goal;
}

void write_goal_template(const std::filesystem::path& goal_dir, const GoalTemplate& goal) {
  if (goal.shades.size() != static_cast<std::size_t>(packed2::kPixelsPerFrame))
    throw Error("goal template must hold 72 x 80 shades");
  std::filesystem::create_directories(goal_dir);
  write_npy_u8(goal_dir / kNpyName, NpyU8{{packed2::kHeight, packed2::kWidth}, goal.shades});
  const GoalMeta& meta = goal.meta;
  const nlohmann::json root = {{"action_codec_id", meta.abi.action_codec_id},
                               {"actions_path", meta.actions_path},
                               {"actions_sha256", meta.actions_sha256},
                               {"created_at", meta.created_at},
                               {"dist_metric", meta.abi.dist_metric},
                               {"downsample_h", meta.abi.downsample_h},
                               {"downsample_w", meta.abi.downsample_w},
                               {"frames_per_step", meta.abi.schedule.frames_per_step},
                               {"k_consecutive", meta.k_consecutive},
                               {"pipeline_version", meta.pipeline_version},
                               {"release_after_frames", meta.abi.schedule.release_after_frames},
                               {"rom_path", meta.rom_path},
                               {"rom_sha256", meta.rom_sha256},
                               {"schema_version", meta.schema_version},
                               {"shade_levels", meta.abi.shade_levels},
                               {"stack_k", meta.abi.stack_k},
                               {"state_path", meta.state_path},
                               {"state_sha256", meta.state_sha256},
                               {"tau", meta.tau}};
  write_file_atomic(goal_dir / kMetaName, root.dump(2) + "\n");
}

}  // namespace dreamer
