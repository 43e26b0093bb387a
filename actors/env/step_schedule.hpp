#pragma once
// StepSchedule: how one env step drives a console. One env step runs
// frames_per_step frames and holds the action's button for the first
// release_after_frames of them; only the last frame is observed.
//
// Part of the task ABI: rl_stages.json's "abi" block and every goal
// template's meta (actors/env/rl_stages.hpp, actors/env/goal_template.hpp) name the
// schedule they were made with, and a run's config.json "task" holds the one
// it uses. This struct is that one definition, with its one validation; the
// env's step (actors/env/env_step.hpp, CPU and CUDA) runs it.
namespace dreamer {

struct StepSchedule {
  int frames_per_step = 24;
  int release_after_frames = 8;

  // Throws ConfigError naming the field: frames_per_step in [1, 600],
  // release_after_frames in [1, frames_per_step] (a step presses its button
  // for at least one frame).
  void validate() const;
  bool operator==(const StepSchedule& other) const {
    return frames_per_step == other.frames_per_step && release_after_frames == other.release_after_frames;
  }
};

}  // namespace dreamer
