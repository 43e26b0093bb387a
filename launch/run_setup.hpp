#pragma once
// Pieces every driver shares: turning a RunConfig into the environment task
// and the workers' options, and the learner's metric report.
#include <nlohmann/json.hpp>

#include <string>

#include "actors/actor_worker.hpp"
#include "actors/env/task.hpp"
#include "common/run/run_directory.hpp"
#include "launch/run_config.hpp"

namespace dreamer {
namespace learner {
class LearnerWorker;
}

// The project's own stages: states/rl_stages.json, ROMs and stage folders
// built into the build tree. Fixed at build time.
std::filesystem::path own_stage_list();
std::filesystem::path own_roms_dir();
std::filesystem::path own_stages_root();  // the folder stage paths are relative to

// A user's ROM/state/goal when given, else the named stage of the project.
env::TaskSpec resolve_task(const TaskConfig& task);

// The CUDA backend puts actor i on GPU (learners + i) mod visible GPUs.
actors::ActorWorkerOptions actor_options(const RunConfig& config, int actor_index);

// The learner's device: CPU, or with --device cuda the GPU `index` modulo the
// GPUs this process sees (learner ranks on one node take one GPU each).
// Throws dreamer::Error when CUDA is asked for and no GPU is visible.
std::string learner_device(const RunConfig& config, int index);

// --resume: restores the learner from the run's checkpoints. When `latest`
// or the newest file is damaged and an older checkpoint was used, `report`
// prints one line to stderr saying which and why (one rank reports).
void resume_learner(learner::LearnerWorker& learner, const RunDirectory& run, bool report);

}  // namespace dreamer
