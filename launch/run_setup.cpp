#include "launch/run_setup.hpp"

#include <torch/cuda.h>

#include <cstdio>

#include "actors/env/rl_stages.hpp"
#include "common/error.hpp"
#include "learner/learner_worker.hpp"

namespace dreamer {

std::filesystem::path own_stage_list() { return std::filesystem::path(DREAMER_SOURCE_DIR) / "states/rl_stages.json"; }
std::filesystem::path own_roms_dir() { return DREAMER_ROMS_DIR; }
std::filesystem::path own_stages_root() { return std::filesystem::path(DREAMER_STAGES_DIR).parent_path(); }

env::TaskSpec resolve_task(const TaskConfig& task) {
  env::TaskSpec spec;
  spec.schedule = task.schedule;
  if (!task.rom.empty()) {
    spec.rom = task.rom;
    spec.start_state = task.state;
    spec.goal_dir = task.goal_dir;
    spec.max_steps = task.max_steps > 0 ? task.max_steps : 128;
    return spec;
  }
  const StageList stages = load_rl_stages(own_stage_list());
  const StageEntry& stage = stages.find(task.stage);
  // The stages (start states, goal templates) were made with the list's ABI.
  if (!(task.schedule == stages.abi.schedule))
    throw ConfigError("task.frames_per_step/release_after_frames",
                      "stage '" + task.stage + "' is made for " + std::to_string(stages.abi.schedule.frames_per_step) +
                          " frames per step with the button held " +
                          std::to_string(stages.abi.schedule.release_after_frames) + " (" + own_stage_list().string() +
                          " abi); give --rom to step your own ROM another way");
  if (stage.rom.empty()) throw Error("stage '" + task.stage + "' has no ROM of the project's own; give --rom");
  spec.rom = own_roms_dir() / stage.rom;
  spec.start_state = task.state.empty() ? own_stages_root() / stage.start_state : std::filesystem::path(task.state);
  if (!task.goal_dir.empty())
    spec.goal_dir = task.goal_dir;
  else if (!stage.goal_dir.empty())
    spec.goal_dir = own_stages_root() / stage.goal_dir;
  spec.max_steps = task.max_steps > 0 ? task.max_steps : stage.max_steps;
  return spec;
}

actors::ActorWorkerOptions actor_options(const RunConfig& config, int actor_index) {
  actors::ActorWorkerOptions options;
  options.actor_index = actor_index;
  options.num_envs = config.envs_per_actor;
  options.commit_stride = config.replay.commit_stride;
  options.env_threads = config.env_threads;
  options.greedy = config.greedy;
  if (config.env_backend == Device::kCuda) {
    options.backend = env::Backend::kCuda;
    // Learners take GPUs 0..learners-1; actors the ones after, wrapping.
    const int gpus = static_cast<int>(torch::cuda::device_count());
    if (gpus == 0) throw Error("--env-backend cuda but this process sees no GPU");
    options.cuda_device = (config.learners + actor_index) % gpus;
  }
  if (config.standing_still()) options.constant_action = static_cast<std::uint8_t>(config.standing_still_action);
  options.seed = config.seed * 1000003u + static_cast<std::uint64_t>(actor_index);
  return options;
}

std::string learner_device(const RunConfig& config, int index) {
  if (config.device == Device::kCpu) return "cpu";
  const int gpus = static_cast<int>(torch::cuda::device_count());
  if (gpus == 0) throw Error("--device cuda but this process sees no GPU");
  return "cuda:" + std::to_string(index % gpus);
}

void resume_learner(learner::LearnerWorker& learner, const RunDirectory& run, bool report) {
  const std::optional<learner::ResumedCheckpoint> resumed = learner.restore(run.checkpoints());
  if (!report || !resumed || resumed->skipped.empty()) return;
  std::string passed_over;
  for (const std::string& reason : resumed->skipped) passed_over += (passed_over.empty() ? "" : "; ") + reason;
  std::fprintf(stderr, "dreamer_learner: resuming from %s, the newest checkpoint that loads (passed over: %s)\n",
               resumed->info.file.filename().c_str(), passed_over.c_str());
}

}  // namespace dreamer
