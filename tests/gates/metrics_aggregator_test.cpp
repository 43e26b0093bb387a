#include "gates/metrics_aggregator.hpp"

#include <gtest/gtest.h>

#include "common/run/episode_statistics.hpp"
#include "common/run/metrics_log.hpp"
#include "gates_test_files.hpp"
#ifdef DREAMER_HAS_TENSORBOARD
#include "common/media/tensorboard_writer.hpp"
#endif

namespace dreamer::gates {
namespace {

using MetricsAggregatorTest = GatesFilesTest;

// An actor report's episodes in the wire form: (return, length, end_dist, success).
nlohmann::json outcomes(const std::vector<EpisodeOutcome>& episodes) { return episode_outcomes_to_json(episodes); }

TEST_F(MetricsAggregatorTest, CombinesReportsIntoOneRecordPerLearnerReport) {
  MetricsAggregator gate(dir_ / "metrics.jsonl");
  gate.on_actor_report({{"actor", 0},
                        {"actor_env_steps", 64},
                        {"policy_version", 12},
                        {"sps", 10.0},
                        {"episode_outcomes", outcomes({{5.0, 10, 0.0, true}, {-1.0, 128, 0.5, false}})}});
  gate.on_actor_report(
      {{"actor", 1}, {"actor_env_steps", 32}, {"policy_version", 8}, {"sps", 5.0}, {"episode_outcomes", outcomes({})}});
  gate.on_replay_report({{"replay_size", 96}});
  gate.on_learner_report({{"opt_steps", 5}, {"loss_model", 1.5}});
  const auto records = read_metrics_log(dir_ / "metrics.jsonl");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["env_steps"], 96);
  EXPECT_EQ(records[0]["opt_steps"], 5);
  EXPECT_EQ(records[0]["replay_size"], 96);
  EXPECT_DOUBLE_EQ(records[0]["sps"].get<double>(), 15.0);
  EXPECT_DOUBLE_EQ(records[0]["success_rate"].get<double>(), 0.5);
  EXPECT_EQ(records[0]["episodes"], 2);
  EXPECT_EQ(records[0]["policy_version_min"], 8);  // the actor furthest behind
}

// A periodic evaluation is written as it comes, at the actors' env steps,
// and leaves the actors' episode window to the next learner record.
TEST_F(MetricsAggregatorTest, WritesAPeriodicEvaluationAtTheActorsEnvSteps) {
  MetricsAggregator gate(dir_ / "metrics.jsonl");
  gate.on_actor_report(
      {{"actor", 0}, {"actor_env_steps", 640}, {"episode_outcomes", outcomes({{1.0, 10, 0.0, true}})}});
  const nlohmann::json written =  // a copy: the reference lasts until the next record
      gate.on_evaluation_record({{"opt_steps", 500}, {"periodic_eval", true}, {"eval_success_rate", 0.75}});
  EXPECT_EQ(written["env_steps"], 640);
  EXPECT_TRUE(written.contains("wall_s"));
  gate.on_learner_report({{"opt_steps", 505}});
  const auto records = read_metrics_log(dir_ / "metrics.jsonl");
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0], written);
  EXPECT_EQ(records[0]["eval_success_rate"], 0.75);
  EXPECT_FALSE(records[0].contains("episodes"));
  EXPECT_EQ(records[1]["episodes"], 1);  // the actor's episode, in the learner's record
}

// Episodes of several actors (or actor ranks) and several reports are pooled
// before any statistic is taken: the median of the union, not the mean of
// each report's median.
TEST_F(MetricsAggregatorTest, AResumedRunCountsFromWhereItStoodUntilItsActorsReportMore) {
  MetricsAggregator gate(dir_ / "metrics.jsonl");
  gate.resume_at(1024);
  gate.on_learner_report({{"opt_steps", 40}});                     // before any actor report
  gate.on_actor_report({{"actor", 0}, {"actor_env_steps", 512}});  // one of two actors, 512 each at the stop
  gate.on_learner_report({{"opt_steps", 41}});
  gate.on_actor_report({{"actor", 1}, {"actor_env_steps", 640}});
  gate.on_learner_report({{"opt_steps", 42}});
  const auto records = read_metrics_log(dir_ / "metrics.jsonl");
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0]["env_steps"], 1024);
  EXPECT_EQ(records[1]["env_steps"], 1024);
  EXPECT_EQ(records[2]["env_steps"], 1152);
}

TEST_F(MetricsAggregatorTest, PoolsTheEpisodesOfEveryActorReportBeforeTakingRatesAndPercentiles) {
  MetricsAggregator gate(dir_ / "metrics.jsonl");
  // Actor 0: three truncations at distances 0.6, 0.7, 0.8.
  gate.on_actor_report(
      {{"actor", 0},
       {"episode_outcomes", outcomes({{-1.28, 128, 0.6, false}, {-1.28, 128, 0.7, false}, {-1.28, 128, 0.8, false}})}});
  // Actor 1, two reports: one success (0.0), then one truncation at 0.1.
  gate.on_actor_report({{"actor", 1}, {"episode_outcomes", outcomes({{10.0, 20, 0.0, true}})}});
  gate.on_actor_report({{"actor", 1}, {"episode_outcomes", outcomes({{-1.28, 128, 0.1, false}})}});
  const nlohmann::json record = gate.on_learner_report({{"opt_steps", 10}});
  EXPECT_EQ(record["episodes"], 5);
  EXPECT_DOUBLE_EQ(record["success_rate"].get<double>(), 0.2);  // 1 of 5; per-report means would give 0.33
  EXPECT_DOUBLE_EQ(record["done_rate"].get<double>(), 0.2);
  // Sorted 0.0 0.1 0.6 0.7 0.8: nearest rank round(0.5 x 4) = 2 -> 0.6.
  EXPECT_DOUBLE_EQ(record["dist_p50"].get<double>(), 0.6);
  EXPECT_DOUBLE_EQ(record["steps_to_goal_p50"].get<double>(), 20.0);
  // The next record starts a new window: no episodes, so no rates.
  const nlohmann::json next = gate.on_learner_report({{"opt_steps", 20}});
  EXPECT_EQ(next["episodes"], 0);
  EXPECT_FALSE(next.contains("success_rate"));
  EXPECT_FALSE(next.contains("done_rate"));
}

TEST_F(MetricsAggregatorTest, EventFileBesideMetricsHoldsEveryRecordAtItsUpdateStep) {
  if (!MetricsAggregator::writes_tensorboard()) GTEST_SKIP() << "built without the TensorBoard writer (protobuf)";
#ifdef DREAMER_HAS_TENSORBOARD
  std::filesystem::path events;
  {
    MetricsAggregator gate(dir_ / "metrics.jsonl");
    gate.on_learner_report({{"opt_steps", 5}, {"loss_model", 1.5}, {"note", "text is skipped"}});
    gate.on_learner_report({{"opt_steps", 10}, {"loss_model", 0.75}});
    events = gate.tensorboard_path();
  }
  EXPECT_EQ(events.parent_path(), dir_);
  EXPECT_EQ(events.filename().string().rfind("events.out.tfevents.", 0), 0u);
  const TensorBoardEventFile file = read_tensorboard_event_file(events);
  std::vector<std::pair<std::int64_t, float>> loss;
  for (const TensorBoardScalar& scalar : file.scalars) {
    EXPECT_NE(scalar.tag, "note");
    if (scalar.tag == "loss_model") loss.emplace_back(scalar.step, scalar.value);
  }
  EXPECT_EQ(loss, (std::vector<std::pair<std::int64_t, float>>{{5, 1.5f}, {10, 0.75f}}));
#endif
}

}  // namespace
}  // namespace dreamer::gates
