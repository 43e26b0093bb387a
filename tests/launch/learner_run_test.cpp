// Runs the real dreamer_learner (single process, CPU, tiny preset) in short
// runs and checks what a run leaves behind: the artifacts of a finished run,
// the greedy evaluation that ends a goal run stopped by its wall-time budget, the failure bundle of a run that goes
// non-finite (and that its repro.sh fails the same way), and that a degraded run fails the baseline comparison of
// dreamer_gate.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "common/file_io.hpp"
#include "common/hdf5/hdf5_file.hpp"
#include "common/run/metrics_log.hpp"
#include "tests/common/command_run_test.hpp"
#ifdef DREAMER_HAS_TENSORBOARD
#include "common/media/tensorboard_writer.hpp"
#endif

namespace dreamer {
namespace {

const std::string kLearner = std::string(DREAMER_BINARY_DIR) + "/launch/dreamer_learner";
const std::string kGate = std::string(DREAMER_BINARY_DIR) + "/launch/dreamer_gate";

// A failed test keeps its folder, to look at the run it left.
class LearnerRun : public CommandRunTest {
 protected:
  void TearDown() override {
    if (!HasFailure()) CommandRunTest::TearDown();
  }

  // A short Standing Still run: the first update at 256 env steps, then
  // about 0.5 updates per env step (tiny preset, 8 envs, train ratio 16; named
  // here, not taken from the cpu profile, so that these runs stay short).
  int learner(const std::string& tag, const std::string& extra) {
    return run(kLearner +
               " --mode standing_still --device cpu --preset tiny --envs-per-actor 8 --train-ratio 16"
               " --min-replay 256 --seed 1 --runs-root runs --log-every 2" +
               " --output-tag " + tag + " " + extra);
  }

  std::vector<std::filesystem::path> run_dirs(const std::string& tag) const {
    std::vector<std::filesystem::path> dirs;
    if (!std::filesystem::exists(dir_ / "runs")) return dirs;
    for (const auto& entry : std::filesystem::directory_iterator(dir_ / "runs")) {
      const std::string name = entry.path().filename().string();
      if (name.size() > tag.size() + 2 && name.substr(name.size() - tag.size() - 2) == "__" + tag)
        dirs.push_back(entry.path());
    }
    std::sort(dirs.begin(), dirs.end());
    return dirs;
  }
};

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    lines.push_back(text.substr(start, end == std::string::npos ? std::string::npos : end - start));
    if (end == std::string::npos) break;
    start = end + 1;
  }
  return lines;
}

std::string file_head(const std::filesystem::path& path, std::size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string head(bytes, '\0');
  in.read(head.data(), static_cast<std::streamsize>(bytes));
  head.resize(static_cast<std::size_t>(in.gcount()));
  return head;
}

TEST_F(LearnerRun, FinishedRunLeavesReproScriptPlotVideoAndEvents) {
  ASSERT_EQ(learner("artifacts", "--total-env-steps 320"), 0) << err_;
  const auto runs = run_dirs("artifacts");
  ASSERT_EQ(runs.size(), 1u);
  const std::filesystem::path run = runs[0];
  const auto records = read_metrics_log(run / "metrics.jsonl");
  ASSERT_GE(records.size(), 3u);

  EXPECT_TRUE(std::filesystem::exists(run / "config.json"));
  const std::string repro = read_file_text(run / "repro.sh");
  EXPECT_EQ(repro.rfind("#!/bin/sh\n", 0), 0u) << repro;
  EXPECT_NE(repro.find("\ncd " + dir_.string() + "\n"), std::string::npos) << repro;
  EXPECT_NE(repro.find(std::filesystem::canonical(kLearner).string() + " --mode standing_still --device cpu"),
            std::string::npos)
      << repro;
  EXPECT_NE(repro.find("--total-env-steps 320\n"), std::string::npos) << repro;
  EXPECT_NE(std::filesystem::status(run / "repro.sh").permissions() & std::filesystem::perms::owner_exec,
            std::filesystem::perms::none);

  EXPECT_EQ(file_head(run / "metrics.png", 8), "\x89PNG\r\n\x1a\n");
#ifdef DREAMER_HAS_GIF
  EXPECT_EQ(file_head(run / "recon.gif", 6), "GIF89a");
#else
  EXPECT_FALSE(std::filesystem::exists(run / "recon.gif")) << "no GIF writer in this build";
#endif

#ifdef DREAMER_HAS_TENSORBOARD
  std::vector<std::filesystem::path> events;
  for (const auto& entry : std::filesystem::directory_iterator(run)) {
    if (entry.path().filename().string().rfind("events.out.tfevents.", 0) == 0) events.push_back(entry.path());
  }
  ASSERT_EQ(events.size(), 1u);
  const TensorBoardEventFile file = read_tensorboard_event_file(events[0]);
  EXPECT_EQ(file.file_version, "brain.Event:2");
  // loss_model at every record's update step, with the value metrics.jsonl holds.
  std::vector<std::pair<std::int64_t, float>> logged;
  for (const TensorBoardScalar& scalar : file.scalars) {
    if (scalar.tag == "loss_model") logged.emplace_back(scalar.step, scalar.value);
  }
  std::vector<std::pair<std::int64_t, float>> expected;
  for (const nlohmann::json& record : records)
    expected.emplace_back(record["opt_steps"].get<std::int64_t>(), record["loss_model"].get<float>());
  EXPECT_EQ(logged, expected);
#else
  GTEST_LOG_(INFO) << "built without protobuf: no TensorBoard event file to check";
#endif
}

// A goal run with a huge env-step budget stops on --max-seconds, then
// evaluates its final policy greedily: eval_summary.json in the run folder,
// the same figures in a last final_eval metrics record, one line on stdout.
// On the way it evaluates every --eval-every updates: a periodic_eval record
// and a line each.
// A Standing Still run has no goal, hence no evaluation.
TEST_F(LearnerRun, WallTimeBudgetEndsTheRunAndAGreedyEvaluationFollows) {
  const auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(run(kLearner + " --mode full --stage exit_room_door --device cpu --preset tiny --seed 1 "
                           "--runs-root runs --log-every 2 --output-tag budget --total-env-steps 100000000 "
                           "--max-seconds 3 --eval-episodes 4 --eval-every 2 --stop-at-success 0"),
            0)
      << err_;
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(), 120.0);
  EXPECT_NE(out_.find("100000000 env steps, wall time at most 3 s, greedy evaluations of 4 episodes every 2 updates "
                      "and at the end\n"),
            std::string::npos)
      << out_;
  EXPECT_NE(out_.find("dreamer_learner: greedy evaluation at update 2 (env steps "), std::string::npos) << out_;
  EXPECT_NE(out_.find("dreamer_learner: greedy evaluation: success "), std::string::npos) << out_;
  const auto runs = run_dirs("budget");
  ASSERT_EQ(runs.size(), 1u);
  const auto summary = nlohmann::json::parse(read_file_text(runs[0] / "eval_summary.json"));
  EXPECT_EQ(summary["episodes"], 4);
  EXPECT_TRUE(summary["greedy"].get<bool>());
  const auto records = read_metrics_log(runs[0] / "metrics.jsonl");
  ASSERT_GE(records.size(), 2u);
  const nlohmann::json& last = records.back();
  EXPECT_TRUE(last.value("final_eval", false)) << last.dump();
  EXPECT_EQ(last["eval_episodes"], 4);
  EXPECT_EQ(last["eval_success_rate"], summary["success_rate"]);
  EXPECT_LT(last["env_steps"].get<double>(), 100000000.0);
  EXPECT_FALSE(records[records.size() - 2].contains("final_eval"));
  std::int64_t periodic = 0;
  for (const nlohmann::json& record : records) {
    if (!record.value("periodic_eval", false)) continue;
    ++periodic;
    EXPECT_EQ(record["opt_steps"].get<std::int64_t>(), 2 * periodic) << record.dump();
    EXPECT_EQ(record["eval_episodes"], 4);
    EXPECT_TRUE(record.contains("env_steps") && record.contains("wall_s")) << record.dump();
  }
  EXPECT_GE(periodic, 1);

  ASSERT_EQ(learner("still", "--total-env-steps 300"), 0) << err_;
  EXPECT_FALSE(std::filesystem::exists(run_dirs("still").at(0) / "eval_summary.json"));
  const auto still_records = read_metrics_log(run_dirs("still").at(0) / "metrics.jsonl");
  ASSERT_FALSE(still_records.empty());
  EXPECT_FALSE(still_records.back().contains("final_eval"));
}

// The learning flags without a profile value reach config.json and the
// settings line; the evaluation flags may join a --resume (they are not in
// config.json), a learning flag may not.
TEST_F(LearnerRun, LearningFlagsReachTheConfigAndOnlyEvaluationFlagsJoinAResume) {
  ASSERT_EQ(learner("flags",
                    "--total-env-steps 300 --gamma 0.95 --actor-entropy 0.001 --actor-lr 0.0002 "
                    "--critic-lr 0.0003 --kl-free-bits 0.2"),
            0)
      << err_;
  EXPECT_NE(out_.find("learning rates 0.0001 (model) 0.0002 (actor) 0.0003 (critic), actor entropy 0.001, "
                      "discount 0.95, free bits 0.2,"),
            std::string::npos)
      << out_;
  const auto runs = run_dirs("flags");
  ASSERT_EQ(runs.size(), 1u);
  const auto train = nlohmann::json::parse(read_file_text(runs[0] / "config.json"))["config"]["model"]["train"];
  EXPECT_DOUBLE_EQ(train["gamma"].get<double>(), 0.95);
  EXPECT_DOUBLE_EQ(train["actor_entropy"].get<double>(), 0.001);
  EXPECT_DOUBLE_EQ(train["actor_lr"].get<double>(), 0.0002);
  EXPECT_DOUBLE_EQ(train["critic_lr"].get<double>(), 0.0003);
  EXPECT_DOUBLE_EQ(train["kl_free_bits"].get<double>(), 0.2);

  const std::string resume = kLearner + " --resume " + runs[0].string();
  EXPECT_EQ(run(resume + " --eval-episodes 2 --eval-every 4 --stop-at-success 0.5"), 0) << err_;
  EXPECT_EQ(run(resume + " --gamma 0.9"), 2);
  EXPECT_EQ(err_,
            "dreamer_learner: --gamma cannot be given with --resume (the run continues with its own "
            "config.json)\n");
}

TEST_F(LearnerRun, NonFiniteUpdateWritesAFailureBundleWhoseReproFailsTheSameWay) {
  // The NaN reward reaches the world-model loss, its gradients and weights;
  // the update stops there (sampling the actor from NaN probabilities).
  EXPECT_EQ(learner("nan", "--total-env-steps 4096 --inject-nan-at-update 10"), 1);
  const std::vector<std::string> error_lines = lines_of(err_);
  ASSERT_EQ(error_lines.size(), 1u) << err_;
  const std::string prefix = "dreamer_learner (rank 0): non-finite values at update 10 (batch reward, world_model";
  EXPECT_EQ(error_lines[0].rfind(prefix, 0), 0u) << error_lines[0];
  const std::size_t bundle_at = error_lines[0].find("; failure bundle ");
  ASSERT_NE(bundle_at, std::string::npos) << error_lines[0];

  const auto runs = run_dirs("nan");
  ASSERT_EQ(runs.size(), 1u);
  const std::filesystem::path bundle = runs[0] / "failures" / "nonfinite_update10";
  EXPECT_EQ(error_lines[0].substr(bundle_at + 17), bundle.string());
  const auto failure = nlohmann::json::parse(read_file_text(bundle / "failure.json"));
  EXPECT_EQ("dreamer_learner (rank 0): " + failure["reason"].get<std::string>(), error_lines[0].substr(0, bundle_at));
  EXPECT_EQ(failure["details"]["update"], 10);
  const auto non_finite = failure["details"]["non_finite"].get<std::vector<std::string>>();
  ASSERT_GE(non_finite.size(), 2u);
  EXPECT_EQ(non_finite[0], "batch reward");
  EXPECT_EQ(non_finite[1], "world_model parameters");
  EXPECT_EQ(read_file_text(bundle / "config.json"), read_file_text(runs[0] / "config.json"));
  // Records every 2 updates: the last ones before update 10.
  const auto last = read_metrics_log(bundle / "last_metrics.jsonl");
  ASSERT_FALSE(last.empty());
  EXPECT_EQ(last.back()["opt_steps"], 8);

  // The offending batch: the injected NaN reward and the observations.
  hdf5::Handle file = hdf5::open_file_read_only(bundle / "tensors.h5");
  EXPECT_EQ(hdf5::dataset_shape(file.get(), "batch/observations"), (std::vector<hsize_t>{4, 8, 72, 20}));
  ASSERT_EQ(hdf5::dataset_shape(file.get(), "batch/reward"), (std::vector<hsize_t>{4, 8}));
  std::vector<float> rewards(32);
  hdf5::read_dataset(file.get(), "batch/reward", hdf5::ElementType::kFloat32, {4, 8}, rewards.data());
  EXPECT_TRUE(std::isnan(rewards[0]));
  for (std::size_t i = 1; i < rewards.size(); ++i) EXPECT_TRUE(std::isfinite(rewards[i])) << i;
  file.reset();

  const std::string repro = read_file_text(bundle / "repro.sh");
  EXPECT_NE(repro.find(" --inject-nan-at-update 10\n"), std::string::npos) << repro;
  // The same command again (from another folder: repro.sh changes into the
  // original one) fails at the same update for the same reason. Run
  // directories are named by the second they start in: let one pass.
  std::this_thread::sleep_for(std::chrono::seconds(1));
  EXPECT_EQ(run("cd / && " + (bundle / "repro.sh").string()), 1);
  const std::vector<std::string> repro_lines = lines_of(err_);
  ASSERT_EQ(repro_lines.size(), 1u) << err_;
  EXPECT_EQ(repro_lines[0].substr(0, repro_lines[0].find("; failure bundle ")), error_lines[0].substr(0, bundle_at));
  const auto reruns = run_dirs("nan");
  ASSERT_EQ(reruns.size(), 2u);
  const auto again =
      nlohmann::json::parse(read_file_text(reruns[1] / "failures" / "nonfinite_update10" / "failure.json"));
  EXPECT_EQ(again["reason"], failure["reason"]);
}

TEST_F(LearnerRun, DegradedRunFailsTheBaselineComparisonWithExitOne) {
  // Baseline from a healthy run; the same run with an absurdly small world
  // model learning rate barely learns, so its losses leave the band upward.
  ASSERT_EQ(learner("healthy", "--total-env-steps 352"), 0) << err_;
  ASSERT_EQ(learner("degraded", "--total-env-steps 352 --model-lr 1e-9"), 0) << err_;
  const std::string healthy = (run_dirs("healthy").at(0) / "metrics.jsonl").string();
  const std::string degraded = (run_dirs("degraded").at(0) / "metrics.jsonl").string();
  ASSERT_EQ(run(kGate + " capture --metrics " + healthy + " --last 3 --keys obs_nll,loss_model,prior_entropy" +
                " --output baseline.json"),
            0)
      << err_;

  EXPECT_EQ(run(kGate + " compare --baseline baseline.json --metrics " + healthy + " --gate standing-still"), 0)
      << out_;
  EXPECT_EQ(out_, "gate standing-still: PASS (4 rules: 4 PASS)\n");

  EXPECT_EQ(run(kGate + " compare --baseline baseline.json --metrics " + degraded +
                " --gate standing-still --verdict verdict.json"),
            1)
      << out_;
  EXPECT_EQ(out_.rfind("gate standing-still: FAIL (", 0), 0u) << out_;
  const auto verdict = nlohmann::json::parse(read_file_text(dir_ / "verdict.json"));
  EXPECT_EQ(verdict["status"], "FAIL");
  for (const auto& rule : verdict["rules"]) {
    if (rule["key"] == "obs_nll") {
      EXPECT_EQ(rule["status"], "FAIL");
      EXPECT_GT(rule["observed"].get<double>(), rule["band"][1].get<double>());
    }
  }
}

}  // namespace
}  // namespace dreamer
