// The one-process roles (launch/in_process_roles.hpp) on the CPU, tiny
// preset, exit room: the overlapped schedule (actor thread + learner thread
// under the rate limiter) and the serial one reach the env budget with the
// train ratio held and learner weights in the actor; an update failure on the
// learner's thread stops and joins the actor thread and reaches the caller;
// the weight hand-off delivers only the newest weights; periodic evaluations
// that reach their target end either schedule right after the update they
// judged.
#include <gtest/gtest.h>
#include <torch/torch.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "actors/actor_worker.hpp"
#include "actors/env/task.hpp"
#include "common/file_io.hpp"
#include "launch/in_process_roles.hpp"
#include "launch/run_setup.hpp"
#include "launch/update_cadence.hpp"
#include "launch/update_guard.hpp"
#include "learner/learner_worker.hpp"

namespace dreamer {
namespace {

constexpr double kTrainRatio = 8.0;
constexpr std::int64_t kEnvSteps = 512;

RunConfig tiny_config() {
  RunConfig config;
  config.model = learner::DreamerOptions::preset("tiny");
  config.envs_per_actor = 4;
  config.total_env_steps = kEnvSteps;
  config.log_every_updates = 2;
  config.weight_sync_every_updates = 2;
  config.replay.capacity = 1024;
  config.replay.commit_stride = 4;
  config.replay.safety_margin = 8;
  config.replay.train_ratio = kTrainRatio;
  config.replay.min_size_to_sample = 64;
  config.replay.max_samplers = 2;
  config.replay.error_buffer = static_cast<double>(config.model.train.batch_size) * config.model.train.seq_len +
                               config.replay.commit_stride * config.envs_per_actor * kTrainRatio;
  config.derive_replay_layout();
  config.validate();
  return config;
}

// Every role of a one-process CPU run, wired as run_single_process wires
// them, with the learner's reports kept here instead of at a gate.
class InProcessRolesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    run_.root = std::filesystem::temp_directory_path() /
                ("dreamer_in_process_roles_" + std::string(testing_name()) + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(run_.root);
    std::filesystem::create_directories(run_.checkpoints());
    write_file_atomic(run_.config_json(), "{}\n");
    torch::manual_seed(config_.seed);
    // As a CPU run does: two threads each with a pool of intra-op threads
    // would oversubscribe a small machine several times over.
    torch::set_num_threads(1);
  }
  void TearDown() override {
    if (!HasFailure()) std::filesystem::remove_all(run_.root);
  }
  static const char* testing_name() { return ::testing::UnitTest::GetInstance()->current_test_info()->name(); }

  RunOutcome run(bool overlapped) {
    const env::Task task = env::Task::load(resolve_task(config_.task));
    learner_ = std::make_unique<learner::LearnerWorker>(config_.model, torch::kCPU, nullptr, MPI_COMM_NULL);
    replay_ = make_in_process_replay(config_, torch::kCPU);
    actor_ = std::make_unique<actors::ActorWorker>(task, config_.model.model, actor_options(config_, 0));
    WeightHandoff weights(actor_->player_device());
    UpdateCadence::Sinks sinks;
    sinks.weights = [&](const std::vector<torch::Tensor>& w, std::int64_t version) { weights.post(w, version); };
    sinks.report = [&](const nlohmann::json& report) {
      records_.push_back(report);
      return report;
    };
    sinks.evaluation = [&](const nlohmann::json& record) { evaluations_.push_back(record); };
    if (!success_rates_.empty()) {
      sinks.evaluate = [&](std::int64_t) {
        EpisodeStatistics stats;
        stats.episodes = 4;
        stats.success_rate = success_rates_.at(evaluations_.size());
        return stats;
      };
    }
    UpdateCadence cadence(config_, run_, invocation_, *learner_, -1, 1, std::move(sinks));
    weights.post(learner_->player_weights(), learner_->updates());
    const WallBudget budget(0.0);
    InProcessRoles roles{config_, *actor_, *replay_, cadence, weights, reports_, budget};
    return overlapped ? run_overlapped(roles) : run_serial(roles);
  }

  // Both schedules: the budget is reached, the limiter held the train ratio,
  // and the actor acts with weights from an update.
  void expect_finished_run(const RunOutcome& outcome) {
    EXPECT_FALSE(outcome.stopped_by_signal);
    EXPECT_GE(actor_->env_steps(), kEnvSteps);
    EXPECT_GT(learner_->updates(), 0);
    const replay::ReplayMetrics metrics = replay_->metrics();
    EXPECT_EQ(metrics.inserts, actor_->env_steps());
    EXPECT_NEAR(metrics.replay_ratio, kTrainRatio, 0.5 * kTrainRatio);
    EXPECT_GT(actor_->policy_version(), 0) << "the actor never received weights from an update";
    EXPECT_GE(records_.size(), 2u);
  }

  RunConfig config_ = tiny_config();
  RunDirectory run_;
  RunInvocation invocation_;
  ReportHandoff reports_;
  std::vector<nlohmann::json> records_;
  std::vector<nlohmann::json> evaluations_;
  std::vector<double> success_rates_;  // what the periodic evaluations measure, in turn
  std::unique_ptr<learner::LearnerWorker> learner_;
  std::unique_ptr<InProcessReplay> replay_;
  std::unique_ptr<actors::ActorWorker> actor_;
};

TEST_F(InProcessRolesTest, OverlappedScheduleReachesTheBudgetAtTheTrainRatio) {
  expect_finished_run(run(/*overlapped=*/true));
  // The actor's thread posted its reports for the gate.
  const std::vector<nlohmann::json> reports = reports_.take();
  ASSERT_FALSE(reports.empty());
  std::int64_t reported_steps = 0;
  for (const nlohmann::json& report : reports) reported_steps += report.at("actor_env_steps").get<std::int64_t>();
  EXPECT_GT(reported_steps, 0);
}

TEST_F(InProcessRolesTest, SerialScheduleReachesTheBudgetAtTheTrainRatio) {
  expect_finished_run(run(/*overlapped=*/false));
  EXPECT_TRUE(reports_.take().empty()) << "the serial schedule hands reports over at the learner's record";
}

TEST_F(InProcessRolesTest, UpdateFailureStopsTheActorThreadAndReachesTheCaller) {
  invocation_.inject_nan_at_update = 3;
  EXPECT_THROW(run(/*overlapped=*/true), UpdateFailure);
  // Update 3 is bad; the guard reads metrics at the next report and weight
  // sync (every 2 updates), so the learner stops after update 4, before its
  // weights reach the actor, and names update 3.
  EXPECT_EQ(learner_->updates(), 4);
  EXPECT_TRUE(std::filesystem::exists(run_.failures() / "nonfinite_update3" / "failure.json"));
  EXPECT_LT(actor_->env_steps(), kEnvSteps) << "the actor ran on after the learner failed";
}

// Evaluations every 4 updates measure 1.0, 0.5, 1.0, 1.0: the run ends after
// update 16, the second of two in a row at the 0.9 target, long before the
// env budget (128 updates).
TEST_F(InProcessRolesTest, EvaluationTargetEndsBothSchedules) {
  invocation_.evaluation = {.episodes = 4, .every_updates = 4, .stop_at_success = 0.9, .stop_after = 2};
  for (const bool overlapped : {false, true}) {
    SCOPED_TRACE(overlapped ? "overlapped" : "serial");
    success_rates_ = {1.0, 0.5, 1.0, 1.0};
    evaluations_.clear();
    const RunOutcome outcome = run(overlapped);
    EXPECT_TRUE(outcome.reached_target);
    EXPECT_FALSE(outcome.stopped_by_signal);
    EXPECT_EQ(learner_->updates(), 16);
    EXPECT_LT(actor_->env_steps(), kEnvSteps);
    ASSERT_EQ(evaluations_.size(), 4u);
    for (std::size_t i = 0; i < evaluations_.size(); ++i) {
      EXPECT_EQ(evaluations_[i]["opt_steps"], 4 * static_cast<int>(i + 1));
      EXPECT_TRUE(evaluations_[i].value("periodic_eval", false));
      EXPECT_EQ(evaluations_[i]["eval_episodes"], 4);
      EXPECT_EQ(evaluations_[i]["eval_success_rate"], success_rates_[i]);
    }
  }
}

// Below the target, or with no target, the evaluations go on and the run
// reaches its budget.
TEST_F(InProcessRolesTest, EvaluationsBelowTheTargetLeaveTheBudgetInCharge) {
  invocation_.evaluation = {.episodes = 4, .every_updates = 32, .stop_at_success = 0.9, .stop_after = 2};
  success_rates_ = {0.95, 0.5, 0.95, 0.5, 0.95, 0.5, 0.95, 0.5};
  const RunOutcome outcome = run(/*overlapped=*/false);
  expect_finished_run(outcome);
  EXPECT_FALSE(outcome.reached_target);
  EXPECT_EQ(evaluations_.size(), static_cast<std::size_t>(learner_->updates() / 32));
}

TEST(WeightHandoffTest, DeliversOnlyTheNewestWeightsAndOnlyOnce) {
  const RunConfig config = tiny_config();
  const env::Task task = env::Task::load(resolve_task(config.task));
  actors::ActorWorker actor(task, config.model.model, actor_options(config, 0));
  learner::LearnerWorker learner(config.model, torch::kCPU, nullptr, MPI_COMM_NULL);
  WeightHandoff handoff(actor.player_device());
  std::vector<torch::Tensor> weights = learner.player_weights();
  handoff.post(weights, 7);
  for (torch::Tensor& weight : weights) weight = torch::full_like(weight, 0.25);
  handoff.post(weights, 9);
  handoff.deliver(actor);
  EXPECT_EQ(actor.policy_version(), 9);
  actor.load_weights(weights, 11);
  handoff.deliver(actor);  // nothing posted since: the actor keeps what it has
  EXPECT_EQ(actor.policy_version(), 11);
}

}  // namespace
}  // namespace dreamer
