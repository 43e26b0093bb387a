#pragma once
// RunConfig: everything one training run needs, as written to config.json
// (cereal, validated). The command line of dreamer_learner fills it; a
// resumed run reads it back from its run directory.
#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>

#include <cstdint>
#include <map>
#include <string>
#include <type_traits>

#include "actors/env/step_schedule.hpp"
#include "learner/dreamer_options.hpp"
#include "replay/replay_options.hpp"

namespace dreamer {

// Where a part of a run computes: the learner (RunConfig::device) or the
// actors' consoles and Player (RunConfig::env_backend). The command line and
// config.json spell them "cpu" and "cuda"; inside the program they are this
// enum.
enum class Device { kCpu, kCuda };
const std::map<std::string, Device>& device_names();
const char* device_name(Device device);
// Throws ConfigError naming `field` for a name other than cpu or cuda.
Device parse_device(const std::string& name, const char* field);

// A Device as a config.json string.
template <class Value>
struct DeviceField {
  Value& device;
  const char* field;
  template <class Archive>
  std::string save_minimal(const Archive&) const {
    return device_name(device);
  }
  template <class Archive>
  void load_minimal(const Archive&, const std::string& name) {
    device = parse_device(name, field);
  }
};

struct TaskConfig {
  std::string stage = "exit_room";  // id in rl_stages.json (the project's own stages)
  std::string rom;                  // a user's ROM; empty: the stage's own ROM
  std::string state;                // start state; empty: the stage's
  std::string goal_dir;             // goal folder; empty: the stage's (none for static_screen)
  int max_steps = 0;                // 0: the stage's max_steps
  StepSchedule schedule;            // the env step (actors/env/step_schedule.hpp)

  template <class Archive>
  void serialize(Archive& archive) {
    archive(CEREAL_NVP(stage), CEREAL_NVP(rom), CEREAL_NVP(state), CEREAL_NVP(goal_dir), CEREAL_NVP(max_steps),
            cereal::make_nvp("frames_per_step", schedule.frames_per_step),
            cereal::make_nvp("release_after_frames", schedule.release_after_frames));
  }
  void validate() const;
};

struct RunConfig {
  std::string mode = "full";     // "full" or "standing_still" (world model only, constant action)
  Device device = Device::kCpu;  // where the learner trains
  // Where the actors' consoles and Player run: the CPU (env_threads worker
  // threads) or CUDA (one GPU thread per console; needs device cuda). In one
  // process a CUDA actor writes straight into a device replay ring.
  Device env_backend = Device::kCpu;
  std::string preset = "tiny";
  std::string output_tag = "run";
  std::string runs_root = "bench/runs/rl";
  TaskConfig task;
  int actors = 1;    // actor ranks (1 in single-process mode)
  int learners = 1;  // learner ranks
  int envs_per_actor = 8;
  int env_threads = 1;
  std::int64_t total_env_steps = 4096;
  // Wall-time budget of the training loop in seconds (0: none). The run ends
  // at whichever budget comes first and still makes its final evaluation.
  double max_seconds = 0.0;
  int log_every_updates = 5;
  int weight_sync_every_updates = 5;
  int checkpoint_every_updates = 0;  // 0: only at the end
  int standing_still_action = 0;     // the constant action in standing_still mode
  bool greedy = false;
  std::uint64_t seed = 1;
  learner::DreamerOptions model;
  // The replay's own values (capacity, commit stride, train ratio, limiter)
  // are set here; its layout (streams, writer groups, batch, sequence length,
  // seed) follows from the rest by derive_replay_layout() and is not stored
  // in config.json. A config.json that still holds those keys loads: they
  // are ignored and derived again.
  replay::ReplayOptions replay;

  // Fills replay's layout from actors, envs_per_actor, the learner's batch
  // and sequence length, and seed. Loading a config does it.
  void derive_replay_layout();
  // Sets the rate limiter's tolerance (replay.error_buffer) for a new run:
  // twice the smallest window that lets one side always proceed (one update
  // plus one chunk's worth of owed replay), so the observed train ratio stays
  // close to its target even in short runs.
  void derive_limiter_tolerance();

  template <class Archive>
  void save(Archive& archive) const {
    fields(archive, *this);
  }
  template <class Archive>
  void load(Archive& archive) {
    fields(archive, *this);
    derive_replay_layout();
  }
  void validate() const;
  bool standing_still() const { return mode == "standing_still"; }

 private:
  // The replay values config.json holds (see `replay`).
  template <class Options>
  struct ReplayValues {
    Options& options;
    template <class Archive>
    void serialize(Archive& archive) {
      archive(cereal::make_nvp("capacity", options.capacity), cereal::make_nvp("commit_stride", options.commit_stride),
              cereal::make_nvp("safety_margin", options.safety_margin),
              cereal::make_nvp("max_samplers", options.max_samplers),
              cereal::make_nvp("train_ratio", options.train_ratio),
              cereal::make_nvp("min_size_to_sample", options.min_size_to_sample),
              cereal::make_nvp("error_buffer", options.error_buffer));
    }
  };
  // One list of fields for save (const) and load.
  template <class Archive, class Self>
  static void fields(Archive& archive, Self& self) {
    ReplayValues<std::remove_reference_t<decltype((self.replay))>> replay_values{self.replay};
    using DeviceValue = std::remove_reference_t<decltype((self.device))>;
    DeviceField<DeviceValue> device{self.device, "device"};
    DeviceField<DeviceValue> env_backend{self.env_backend, "env_backend"};
    archive(cereal::make_nvp("mode", self.mode), cereal::make_nvp("device", device),
            cereal::make_nvp("env_backend", env_backend), cereal::make_nvp("preset", self.preset),
            cereal::make_nvp("output_tag", self.output_tag), cereal::make_nvp("runs_root", self.runs_root),
            cereal::make_nvp("task", self.task), cereal::make_nvp("actors", self.actors),
            cereal::make_nvp("learners", self.learners), cereal::make_nvp("envs_per_actor", self.envs_per_actor),
            cereal::make_nvp("env_threads", self.env_threads),
            cereal::make_nvp("total_env_steps", self.total_env_steps),
            cereal::make_nvp("max_seconds", self.max_seconds),
            cereal::make_nvp("log_every_updates", self.log_every_updates),
            cereal::make_nvp("weight_sync_every_updates", self.weight_sync_every_updates),
            cereal::make_nvp("checkpoint_every_updates", self.checkpoint_every_updates),
            cereal::make_nvp("standing_still_action", self.standing_still_action),
            cereal::make_nvp("greedy", self.greedy), cereal::make_nvp("seed", self.seed),
            cereal::make_nvp("model", self.model), cereal::make_nvp("replay", replay_values));
  }
};

}  // namespace dreamer
