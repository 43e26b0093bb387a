#pragma once
// What dreamer_learner prints on the terminal:
//
// once at start, every setting that shapes learning (learning_settings_line):
//   dreamer_learner: device cpu, env backend cpu, preset tiny, 1 actor(s) x 8 envs, 1 learner(s),
//   batch 4 x 8, train ratio 16 (replayed steps per env step; 0.5 updates per env step), fused
//   Adam off, CUDA graphs off, bf16 off, stage exit_room, 4096 env steps, wall time at most 300 s,
//   greedy evaluations of 16 episodes every 128 updates and at the end, early stop at success 0.9
//   in 2 evaluations in a row
// one line per metric record (progress_line):
//   [ 37%] env 1536/4096 | 812 sps | upd 40 | train ratio 15.8 (0.49 upd/env step) |
//   ep 12 success 0.25 | loss_model 512.3 obs_nll 498.1 kl 1.2 | ETA 00:03:12
// each periodic greedy evaluation (periodic_evaluation_line, from its record):
//   dreamer_learner: greedy evaluation at update 500 (env steps 16384, 31 s): success 0.25 (16 of 64
//   episodes), steps to goal p50 18, dist p50 0.4
// and the final greedy evaluation's verdict (evaluation_line):
//   dreamer_learner: greedy evaluation: success 0.94 (60 of 64 episodes), steps to goal p50 18, dist p50 0.01
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

#include "launch/run_config.hpp"
#include "launch/training_run.hpp"

namespace dreamer {

std::string progress_line(const nlohmann::json& record, std::int64_t total_env_steps);
std::string learning_settings_line(const RunConfig& config, const EvaluationPlan& evaluation);
// `summary`: an evaluation summary (launch/policy_evaluation.hpp).
std::string evaluation_line(const nlohmann::ordered_json& summary);
// `record`: a "periodic_eval" metrics record (launch/update_cadence.hpp).
std::string periodic_evaluation_line(const nlohmann::json& record);

}  // namespace dreamer
