#pragma once
// `dreamer_bench env`: the batched environment's speed as training sees it:
// whole env steps (frames_per_step frames each, the step's button held for
// release_after of them, observations rendered), on the CPU worker threads or
// one CUDA thread per console, from a stage's start state or any state of a
// ROM, under a button policy. The result is one JSON object:
//
//   {"mode": "env", "backend": "cpu" | "cuda", "rom": file name,
//    "state": path or null (the stage's start state, or power-on),
//    "policy": "random" | <script path>, "seed": S, "frames_per_step": 24,
//    "runs": [{"envs", "steps", "seconds", "env_steps_per_s", "frames_per_s",
//              "frames_per_s_per_console", "instructions_per_s",
//              "instructions_per_frame", "halt_share", "bytes_per_env",
//              "warp_spread": {...}}, ...]}
//
//   instructions_per_s, instructions_per_frame: guest instructions over the
//     timed steps, from the consoles' counters (read after the timed loop);
//   halt_share: the share of those steps' M-cycles the CPUs slept in HALT;
//   warp_spread: after the timed loop, `spread_steps` more steps, each
//     console's instructions counted per step. Consoles 32k .. 32k+31 share a
//     warp on CUDA, and a warp's step lasts as long as its busiest lane:
//       {"lanes": 32, "steps": N,
//        "max_over_mean": mean over (warp, step) of max / mean instructions,
//        "lane_efficiency": sum of instructions / sum of 32 x each warp's max.}
//     lane_efficiency is an upper bound of CUDA's warp execution efficiency:
//     paths that split inside a step lower it further. It depends on the
//     consoles' work only, so the CPU backend reports the same figure for
//     the same consoles and policy.
//
// Policies: "random" gives every console its own uniform action (0-7) per
// step from one std::mt19937 seeded with `seed`; a script (a dreamer_stage
// button script, actors/env/button_script.hpp) gives console e at step s
// the script's action (s + e) mod its length, so that consoles stay out of
// step with one another as random players would.
//
// An episode ends only by max_steps (128) when the task has no goal: a
// truncated console restarts from the start state, as in training.
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "actors/env/task.hpp"
#include "launch/run_config.hpp"

namespace dreamer {

struct EnvBenchArgs {
  Device backend = Device::kCpu;
  std::vector<int> envs = {64, 256};
  int steps = 20;
  int threads = 0;                // CPU worker threads (0: all cores)
  std::string rom = "exit_room";  // a stage id, or a ROM path (.gb)
  std::string state;              // a project snapshot or PyBoy state; empty: the stage's, or power-on
  std::string script;             // a button script; empty: random actions
  std::uint32_t seed = 7;         // of the random actions
  int spread_steps = 8;           // untimed steps measured for warp_spread (0: none)
};

// Throws dreamer::Error on a bad ROM, state or script.
nlohmann::json bench_env(const EnvBenchArgs& args);

// What a bench runs: a stage id (exit_room, town_cross_to_shop, ...) names
// the project's task; anything ending in .gb is a ROM file run from
// power-on. A non-empty `state` replaces the start state.
env::TaskSpec bench_task_spec(const std::string& rom, const std::string& state);

}  // namespace dreamer
