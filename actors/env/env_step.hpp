#pragma once
// One environment step for one console, shared by the CPU backend (a worker
// thread per slice of envs) and the CUDA backend (one thread per env).
//
//   step schedule: frames_per_step frames (24); the action's button is held for
//   the first release_after_frames (8), then released; only the last frame is
//   rendered, straight into the observation slot as packed2.
//
//   auto-reset: an env whose previous step ended its episode (terminated or
//   truncated) is not stepped; it is restored from the reset point and
//   reports the reset observation with is_first = 1, reward 0, and a new
//   episode id. So every episode's first observation appears exactly once in
//   the stream, as Dreamer's replay expects.
#include <cstddef>
#include <cstdint>

#include "actors/env/action_codec.hpp"
#include "actors/env/goal_task.hpp"
#include "actors/env/step_schedule.hpp"
#include "actors/gb/emulator.hpp"
#include "common/host_device.hpp"
#include "common/packed2.hpp"

namespace dreamer::env {

// Where episodes restart: a console snapshot and the observation it shows.
struct ResetPoint {
  const gb::Console* console = nullptr;
  const std::uint8_t* observation = nullptr;  // packed2, 1440 bytes
  float dist = 0.0f;                          // its distance to the goal
};

// Batch outputs, one element per env (structure of arrays). The observation
// of env e goes to observation + e * observation_stride, so a caller can point
// it into replay slots. full_frame (optional) takes 160x144 shades per env.
struct EnvBatchOutputs {
  std::uint8_t* observation = nullptr;
  std::size_t observation_stride = packed2::kBytesPerFrame;
  float* reward = nullptr;
  std::uint8_t* terminated = nullptr;
  std::uint8_t* truncated = nullptr;
  std::uint8_t* is_first = nullptr;
  float* dist = nullptr;
  std::int64_t* episode_id = nullptr;
  std::uint8_t* full_frame = nullptr;
};

struct TaskView {
  gb::RomView rom;
  StepSchedule schedule;
  GoalParams goal;
  const std::uint8_t* goal_observation = nullptr;  // packed2; null: no goal (never succeeds)
  ResetPoint reset;
};

DREAMER_HD_INLINE void run_schedule(gb::Console& console, const gb::RomView& rom, const StepSchedule& schedule,
                                    std::uint8_t action, std::uint8_t* observation, std::uint8_t* full_frame) {
  const std::uint8_t buttons = action_buttons(action);
  for (int frame = 0; frame < schedule.frames_per_step; ++frame) {
    gb::set_buttons(console, frame < schedule.release_after_frames ? buttons : 0);
    gb::FrameSink sink;
    if (frame == schedule.frames_per_step - 1) {
      sink.observation = observation;
      sink.full_frame = full_frame;
    }
    gb::run_frame(console, rom, sink);
  }
}

DREAMER_HD_INLINE float goal_distance(const TaskView& task, const std::uint8_t* observation) {
  return task.goal_observation == nullptr ? 1.0f : l1_mean_norm_packed(observation, task.goal_observation);
}

DREAMER_HD_INLINE void write_reset(int env, gb::Console& console, EpisodeState& episode, const TaskView& task,
                                   const EnvBatchOutputs& out) {
  console = *task.reset.console;
  std::uint8_t* observation = out.observation + static_cast<std::size_t>(env) * out.observation_stride;
  for (int i = 0; i < packed2::kBytesPerFrame; ++i) observation[i] = task.reset.observation[i];
  episode.episode_id += 1;
  begin_episode(episode, task.reset.dist);
  out.reward[env] = 0.0f;
  out.terminated[env] = 0;
  out.truncated[env] = 0;
  out.is_first[env] = 1;
  out.dist[env] = task.reset.dist;
  out.episode_id[env] = episode.episode_id;
}

DREAMER_HD_INLINE void env_step_one(int env, gb::Console& console, EpisodeState& episode, const TaskView& task,
                                    std::uint8_t action, const EnvBatchOutputs& out) {
  if (episode.needs_reset != 0) {
    write_reset(env, console, episode, task, out);
    return;
  }
  std::uint8_t* observation = out.observation + static_cast<std::size_t>(env) * out.observation_stride;
  std::uint8_t* full_frame =
      out.full_frame == nullptr ? nullptr
                                : out.full_frame + static_cast<std::size_t>(env) * gb::kScreenWidth * gb::kScreenHeight;
  run_schedule(console, task.rom, task.schedule, action, observation, full_frame);
  const float dist = goal_distance(task, observation);
  // Without a goal the distance is 1 (> tau): the episode never succeeds.
  const StepResult result = score_step(episode, task.goal, dist);
  out.reward[env] = result.reward;
  out.terminated[env] = result.terminated;
  out.truncated[env] = result.truncated;
  out.is_first[env] = 0;
  out.dist[env] = result.dist;
  out.episode_id[env] = episode.episode_id;
}

}  // namespace dreamer::env
