#include "launch/run_config.hpp"

#include "common/error.hpp"

namespace dreamer {

const std::map<std::string, Device>& device_names() {
  static const std::map<std::string, Device> names = {{"cpu", Device::kCpu}, {"cuda", Device::kCuda}};
  return names;
}

const char* device_name(Device device) { return device == Device::kCuda ? "cuda" : "cpu"; }

Device parse_device(const std::string& name, const char* field) {
  const auto found = device_names().find(name);
  if (found == device_names().end()) throw ConfigError(field, "must be cpu or cuda, got '" + name + "'");
  return found->second;
}

void TaskConfig::validate() const {
  if (stage.empty() && rom.empty()) throw ConfigError("task.stage", "give a stage id or a ROM");
  if (max_steps < 0) throw ConfigError("task.max_steps", "must be >= 0 (0: the stage's)");
  schedule.validate();
}

void RunConfig::derive_limiter_tolerance() {
  replay.error_buffer = static_cast<double>(model.train.batch_size) * model.train.seq_len +
                        static_cast<double>(replay.commit_stride) * envs_per_actor * replay.train_ratio;
}

void RunConfig::derive_replay_layout() {
  replay.num_streams = actors * envs_per_actor;
  replay.writer_groups = actors;
  replay.batch_size = model.train.batch_size;
  replay.seq_len = model.train.seq_len;
  replay.seed = seed;
}

void RunConfig::validate() const {
  if (mode != "full" && mode != "standing_still")
    throw ConfigError("mode", "must be full or standing_still, got '" + mode + "'");
  if (env_backend == Device::kCuda && device != Device::kCuda)
    throw ConfigError("env_backend", "cuda needs --device cuda");
  if (actors < 1) throw ConfigError("actors", "must be >= 1");
  if (learners < 1) throw ConfigError("learners", "must be >= 1");
  if (envs_per_actor < 1) throw ConfigError("envs_per_actor", "must be >= 1");
  if (env_threads < 1) throw ConfigError("env_threads", "must be >= 1");
  if (total_env_steps < 1) throw ConfigError("total_env_steps", "must be >= 1");
  if (!(max_seconds >= 0.0)) throw ConfigError("max_seconds", "must be >= 0 (0: no wall-time budget)");
  if (log_every_updates < 1) throw ConfigError("log_every_updates", "must be >= 1");
  if (weight_sync_every_updates < 1) throw ConfigError("weight_sync_every_updates", "must be >= 1");
  if (checkpoint_every_updates < 0) throw ConfigError("checkpoint_every_updates", "must be >= 0");
  if (standing_still_action < 0 || standing_still_action > 7)
    throw ConfigError("standing_still_action", "must be an action 0..7");
  task.validate();
  model.validate();
  replay.validate();
  DREAMER_ASSERT(replay.num_streams == actors * envs_per_actor && replay.writer_groups == actors &&
                     replay.batch_size == model.train.batch_size && replay.seq_len == model.train.seq_len,
                 "RunConfig::validate before derive_replay_layout()");
}

}  // namespace dreamer
