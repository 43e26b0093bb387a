#pragma once
// RunConfig: everything one training run needs, as written to config.json
// (cereal, validated). The command line of dreamer_learner fills it; a
// resumed run reads it back from its run directory.
#include <cereal/cereal.hpp>
#include <cereal/types/string.hpp>

#include <cstdint>
#include <string>

#include "learner/dreamer_options.hpp"
#include "replay/replay_options.hpp"

namespace dreamer {

struct TaskConfig {
  std::string stage = "exit_room";  // id in rl_stages.json (the project's own stages)
  std::string rom;                  // a user's ROM; empty: the stage's own ROM
  std::string state;                // start state; empty: the stage's
  std::string goal_dir;             // goal folder; empty: the stage's (none for static_screen)
  int max_steps = 0;                // 0: the stage's max_steps
  int frames_per_step = 24;
  int release_after_frames = 8;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(CEREAL_NVP(stage), CEREAL_NVP(rom), CEREAL_NVP(state), CEREAL_NVP(goal_dir), CEREAL_NVP(max_steps),
            CEREAL_NVP(frames_per_step), CEREAL_NVP(release_after_frames));
  }
  void validate() const;
};

struct RunConfig {
  std::string mode = "full";   // "full" or "standing_still" (world model only, constant action)
  std::string device = "cpu";  // "cpu" or "cuda"
  // Where the actors' consoles and Player run: "cpu" (env_threads worker
  // threads) or "cuda" (one GPU thread per console; needs device "cuda").
  // In one process a CUDA actor writes straight into a device replay ring.
  std::string env_backend = "cpu";
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
  replay::ReplayOptions replay;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(CEREAL_NVP(mode), CEREAL_NVP(device), CEREAL_NVP(env_backend), CEREAL_NVP(preset), CEREAL_NVP(output_tag),
            CEREAL_NVP(runs_root), CEREAL_NVP(task), CEREAL_NVP(actors), CEREAL_NVP(learners),
            CEREAL_NVP(envs_per_actor), CEREAL_NVP(env_threads), CEREAL_NVP(total_env_steps), CEREAL_NVP(max_seconds),
            CEREAL_NVP(log_every_updates), CEREAL_NVP(weight_sync_every_updates), CEREAL_NVP(checkpoint_every_updates),
            CEREAL_NVP(standing_still_action), CEREAL_NVP(greedy), CEREAL_NVP(seed), CEREAL_NVP(model),
            CEREAL_NVP(replay));
  }
  void validate() const;
  bool standing_still() const { return mode == "standing_still"; }
};

}  // namespace dreamer
