#include "actors/env/step_schedule.hpp"

#include <string>

#include "common/error.hpp"

namespace dreamer {

void StepSchedule::validate() const {
  if (frames_per_step < 1 || frames_per_step > 600)
    throw ConfigError("frames_per_step", "must be in [1, 600], got " + std::to_string(frames_per_step));
  if (release_after_frames < 1 || release_after_frames > frames_per_step)
    throw ConfigError("release_after_frames",
                      "must be in [1, frames_per_step], got " + std::to_string(release_after_frames));
}

}  // namespace dreamer
