#pragma once
// The settings a dreamer_learner run takes for every learning value its
// command line does not name: one profile per kind of machine, each the best
// measured for it (docs/runtime.md "Defaults"; what they reach today is in
// docs/dreamer_v3_validation.md section 4). A flag on the command line always
// wins over its profile value.
//
//   gpu: chosen when CUDA is available and --device is not given, or by
//        --device cuda. The default preset on GPU consoles, the exit room.
//   cpu: chosen on a machine without CUDA, or by --device cpu. The tiny
//        model on CPU consoles, the small exit_room_turn stage, an env-step
//        budget (deterministic: no wall-time limit).
#include <cstdint>
#include <set>
#include <string>

#include "launch/run_config.hpp"

namespace dreamer {

struct RunProfile {
  std::string name;  // "gpu" or "cpu"
  Device device = Device::kCpu;
  Device env_backend = Device::kCpu;
  std::string preset;
  std::string stage;  // the goal stage (standing_still mode keeps static_screen)
  int envs_per_actor = 0;
  int batch_size = 0;
  int seq_len = 0;
  double train_ratio = 0.0;
  int replay_capacity = 0;
  int min_replay = 0;
  std::int64_t total_env_steps = 0;
  double max_seconds = 0.0;    // 0: the env-step budget alone ends the run
  double model_lr = 0.0;       // the world model's Adam learning rate (0: the preset's)
  double actor_entropy = 0.0;  // the actor's entropy bonus (0: the preset's)
  double kl_free_bits = 0.0;   // the KL terms' free-bits floor (0: the preset's)
  // The run's greedy evaluations (launch/training_run.hpp EvaluationPlan).
  int eval_episodes = 0;
  std::int64_t eval_every_updates = 0;
  double stop_at_success = 0.0;
};

const RunProfile& gpu_profile();
const RunProfile& cpu_profile();
// The profile of a learner on `device`.
const RunProfile& profile_for(Device device);
// Where a run trains when --device is not given: CUDA when this process sees
// a CUDA device, else the CPU.
Device detect_device();
// Gives `config` (the command line's values) the profile's value of every
// field whose flag is not in `named` ("--envs-per-actor", ...): device, env
// backend, envs per actor, budgets, train ratio, replay capacity and minimum,
// preset and stage (static_screen in standing_still mode). config.model
// becomes the preset's options, with the profile's batch, sequence length,
// world-model learning rate, actor entropy and free bits unless --preset is
// named.
void apply_profile(const RunProfile& profile, const std::set<std::string>& named, RunConfig& config);
// "dreamer_learner: defaults from the <name> profile (<why>)", printed at the
// start of a run.
std::string profile_line(const RunProfile& profile, bool device_named);

}  // namespace dreamer
