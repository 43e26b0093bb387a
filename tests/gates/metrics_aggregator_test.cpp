#include "gates/metrics_aggregator.hpp"

#include <gtest/gtest.h>

#include "common/metrics_log.hpp"
#include "gates_test_files.hpp"
#ifdef DREAMER_HAS_TENSORBOARD
#include "common/tensorboard_writer.hpp"
#endif

namespace dreamer::gates {
namespace {

using MetricsAggregatorTest = GatesFilesTest;

TEST_F(MetricsAggregatorTest, CombinesReportsIntoOneRecordPerLearnerReport) {
  MetricsAggregator gate(dir_ / "metrics.jsonl");
  gate.on_actor_report({{"actor", 0},
                        {"actor_env_steps", 64},
                        {"policy_version", 12},
                        {"sps", 10.0},
                        {"episodes", 2},
                        {"success_rate", 0.5}});
  gate.on_actor_report({{"actor", 1}, {"actor_env_steps", 32}, {"policy_version", 8}, {"sps", 5.0}, {"episodes", 0}});
  gate.on_replay_report({{"replay_size", 96}});
  gate.on_learner_report({{"opt_steps", 5}, {"loss_model", 1.5}});
  const auto records = read_metrics_log(dir_ / "metrics.jsonl");
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["env_steps"], 96);
  EXPECT_EQ(records[0]["opt_steps"], 5);
  EXPECT_EQ(records[0]["replay_size"], 96);
  EXPECT_DOUBLE_EQ(records[0]["sps"].get<double>(), 15.0);
  EXPECT_DOUBLE_EQ(records[0]["success_rate"].get<double>(), 0.5);  // episode-weighted: 2 x 0.5 / 2
  EXPECT_EQ(records[0]["episodes"], 2);
  EXPECT_EQ(records[0]["policy_version_min"], 8);  // the actor furthest behind
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
