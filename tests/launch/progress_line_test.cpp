// What dreamer_learner prints: the settings line names every value that
// shapes learning, the progress line the train ratio beside updates per env
// step, the evaluation lines the greedy verdicts.
#include "launch/progress_line.hpp"

#include <gtest/gtest.h>

namespace dreamer {
namespace {

bool has(const std::string& line, const std::string& part) { return line.find(part) != std::string::npos; }

TEST(LearningSettingsLine, NamesTheValuesThatShapeLearning) {
  RunConfig config;
  config.device = Device::kCpu;
  config.env_backend = Device::kCpu;
  config.preset = "tiny";
  config.envs_per_actor = 16;
  config.model.train.batch_size = 16;
  config.model.train.seq_len = 16;
  config.replay.train_ratio = 32;
  config.task.stage = "exit_room_door";
  config.total_env_steps = 8192;
  config.max_seconds = 300;
  const EvaluationPlan at_end{.episodes = 16};
  const std::string line = learning_settings_line(config, at_end);
  for (const char* part :
       {"device cpu", "preset tiny", "x 16 envs", "batch 16 x 16", "train ratio 32", "0.125 updates per env step",
        "learning rates 0.0001 (model) 8e-05 (actor) 8e-05 (critic)", "actor entropy 0.0003", "discount 0.996997",
        "free bits 1", "fused Adam off", "CUDA graphs off", "stage exit_room_door", "8192 env steps",
        "wall time at most 300 s", "greedy evaluation of 16 episodes"})
    EXPECT_TRUE(has(line, part)) << part << " not in: " << line;
  config.max_seconds = 0;
  EXPECT_TRUE(has(learning_settings_line(config, at_end), "no wall-time limit"));
  EXPECT_FALSE(has(line, "early stop")) << line;
  const EvaluationPlan periodic{.episodes = 64, .every_updates = 500, .stop_at_success = 0.9, .stop_after = 2};
  EXPECT_TRUE(has(learning_settings_line(config, periodic),
                  "greedy evaluations of 64 episodes every 500 updates and at the end, early stop at success 0.9 "
                  "in 2 evaluations in a row"));
  const EvaluationPlan no_stop{.episodes = 64, .every_updates = 500};
  EXPECT_FALSE(has(learning_settings_line(config, no_stop), "early stop"));
  // Fused Adam and CUDA graphs are the defaults; they act on a CUDA learner.
  config.device = Device::kCuda;
  const std::string cuda_line = learning_settings_line(config, at_end);
  EXPECT_TRUE(has(cuda_line, "fused Adam on, CUDA graphs on, bf16 off")) << cuda_line;
}

TEST(ProgressLine, ShowsTrainRatioUpdatesPerEnvStepAndEpisodes) {
  const nlohmann::json record = {{"env_steps", 1024},    {"sps", 0},
                                 {"wall_s", 10.24},      {"opt_steps", 40},
                                 {"replay_ratio", 15.8}, {"updates_per_env_step", 0.49},
                                 {"episodes", 12},       {"success_rate", 0.25}};
  const std::string line = progress_line(record, 4096);
  EXPECT_TRUE(has(line, "[ 25%] env 1024/4096 | 100 sps")) << line;  // the run's average, not the window's 0
  EXPECT_TRUE(has(line, "ETA 00:00:30")) << line;
  EXPECT_TRUE(has(line, "train ratio 15.8 (0.49 upd/env step)")) << line;
  EXPECT_TRUE(has(line, "ep 12 success 0.25")) << line;
  EXPECT_TRUE(has(progress_line({{"env_steps", 0}, {"episodes", 0}}, 4096), "| ep 0 |"));
}

TEST(EvaluationLine, CountsSuccessesAndSaysWhenThereIsNone) {
  nlohmann::ordered_json summary = {
      {"episodes", 64}, {"success_rate", 0.9375}, {"steps_to_goal_p50", 18}, {"dist_p50", 0.01}};
  EXPECT_TRUE(has(evaluation_line(summary), "success 0.94 (60 of 64 episodes), steps to goal p50 18"));
  summary["success_rate"] = 0.0;
  summary["steps_to_goal_p50"] = nullptr;
  EXPECT_TRUE(has(evaluation_line(summary), "(0 of 64 episodes), no success"));
}

TEST(EvaluationLine, PeriodicOneSaysWhenFromItsRecord) {
  nlohmann::json record = {
      {"env_steps", 16384},  {"opt_steps", 500},          {"periodic_eval", true},        {"wall_s", 31.4},
      {"eval_episodes", 64}, {"eval_success_rate", 0.25}, {"eval_steps_to_goal_p50", 18}, {"eval_dist_p50", 0.4}};
  EXPECT_EQ(periodic_evaluation_line(record),
            "dreamer_learner: greedy evaluation at update 500 (env steps 16384, 31 s): success 0.25 (16 of 64 "
            "episodes), steps to goal p50 18, dist p50 0.4");
  record["eval_steps_to_goal_p50"] = nullptr;
  EXPECT_TRUE(has(periodic_evaluation_line(record), "(16 of 64 episodes), no success"));
}

}  // namespace
}  // namespace dreamer
