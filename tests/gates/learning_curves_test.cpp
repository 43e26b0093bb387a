// Learning curves (gates/learning_curves.hpp) with hand-worked numbers: the
// interquartile mean, each run's step function, the IQM at every x where a
// run was evaluated, and what a run without periodic evaluations gets.
#include "gates/learning_curves.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace dreamer::gates {
namespace {

nlohmann::json evaluation(double env_steps, double wall_s, double success) {
  return {{"env_steps", env_steps}, {"wall_s", wall_s},    {"opt_steps", env_steps / 10},
          {"periodic_eval", true},  {"eval_episodes", 64}, {"eval_success_rate", success}};
}

TEST(LearningCurves, InterquartileMeanCutsAQuarterFromEachEnd) {
  EXPECT_DOUBLE_EQ(interquartile_mean({3.0, 1.0, 2.0}), 2.0);        // 3 runs: nothing cut, the mean
  EXPECT_DOUBLE_EQ(interquartile_mean({0.0, 0.0, 1.0}), 1.0 / 3.0);  // not the median
  // 8 values: 2 cut from each end of 0 1 2 3 5 6 7 100, mean of 2 3 5 6.
  EXPECT_DOUBLE_EQ(interquartile_mean({100.0, 0.0, 1.0, 2.0, 3.0, 5.0, 6.0, 7.0}), 4.0);
  EXPECT_THROW(interquartile_mean({}), Error);
}

// Run a: 0.5 at 100 env steps, 1.0 at 200. Run b: 0.0 at 150, 1.0 at 250.
// At 100: a 0.5, b 0 (not yet evaluated); at 150: 0.5, 0; at 200: 1, 0;
// at 250: 1 (kept after its end), 1. Two runs: the mean.
TEST(LearningCurves, IqmFollowsEachRunsLastEvaluation) {
  const MetricRecords a = {{{"env_steps", 50}, {"opt_steps", 5}, {"loss_model", 3.0}},
                           evaluation(100, 10, 0.5),
                           evaluation(200, 20, 1.0),
                           {{"final_eval", true}, {"eval_success_rate", 1.0}}};
  const MetricRecords b = {evaluation(150, 12, 0.0), evaluation(250, 30, 1.0)};
  const std::vector<RunCurve> runs = {greedy_curve(a, "a"), greedy_curve(b, "b")};
  ASSERT_EQ(runs[0].points.size(), 2u);  // the training and final records are no points
  EXPECT_EQ(runs[0].points[1].episodes, 64);
  const std::vector<std::pair<double, double>> by_steps = iqm_curve(runs, CurveAxis::kEnvSteps);
  const std::vector<std::pair<double, double>> expected = {{100, 0.25}, {150, 0.25}, {200, 0.5}, {250, 1.0}};
  EXPECT_EQ(by_steps, expected);
  // By wall time: a at 10 s and 20 s, b at 12 s and 30 s.
  const std::vector<std::pair<double, double>> by_time = iqm_curve(runs, CurveAxis::kWallSeconds);
  const std::vector<std::pair<double, double>> expected_time = {{10, 0.25}, {12, 0.25}, {20, 0.5}, {30, 1.0}};
  EXPECT_EQ(by_time, expected_time);

  const nlohmann::ordered_json json = curves_json(runs);
  EXPECT_EQ(json["runs"][1]["name"], "b");
  EXPECT_EQ(json["iqm_vs_env_steps"][2], nlohmann::ordered_json({200.0, 0.5}));
  const Image image = render_curves(runs, "test");
  EXPECT_EQ(image.width, 1120);
  EXPECT_EQ(image.height, 360);
}

TEST(LearningCurves, ARunWithoutPeriodicEvaluationsIsNamedInTheError) {
  try {
    greedy_curve({{{"env_steps", 50}, {"opt_steps", 5}}}, "seed7");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("seed7: no periodic_eval record"), std::string::npos) << error.what();
  }
  nlohmann::json broken = evaluation(100, 10, 0.5);
  broken.erase("wall_s");
  EXPECT_THROW(greedy_curve({broken}, "seed7"), Error);
}

}  // namespace
}  // namespace dreamer::gates
