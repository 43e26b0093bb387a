// Runs the real dreamer_gate binary on files this test writes and checks its
// exit codes, one-line output and verdict files.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <string>

#include "common/file_io.hpp"
#include "gates_test_files.hpp"

namespace dreamer::gates {
namespace {

const std::string kGate = std::string(DREAMER_BINARY_DIR) + "/launch/dreamer_gate";

class DreamerGateCli : public GatesFilesTest {
 protected:
  // Exit status of `dreamer_gate <arguments>`; stdout and stderr land in out_ / err_.
  int gate(const std::string& arguments) {
    const std::string out = (dir_ / "stdout.txt").string();
    const std::string err = (dir_ / "stderr.txt").string();
    const int status = std::system((kGate + " " + arguments + " >" + out + " 2>" + err).c_str());
    out_ = read_file_text(out);
    err_ = read_file_text(err);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  // A healthy run: obs_nll falls from 400 to 100 over 8 records.
  std::filesystem::path healthy_run(double scale = 1.0) {
    std::string lines;
    for (int i = 0; i < 8; ++i) {
      const double obs = scale * (400.0 - 300.0 * i / 7.0);
      lines += "{\"env_steps\":" + std::to_string(64 * (i + 1)) + ",\"opt_steps\":" + std::to_string(i + 1) +
               ",\"obs_nll\":" + std::to_string(obs) + ",\"loss_model\":" + std::to_string(obs + 5.0) +
               ",\"kl_dyn\":2.0,\"prior_entropy\":15.0,\"posterior_entropy\":13.0,\"sps\":100.0}\n";
    }
    return write(scale == 1.0 ? "healthy.jsonl" : "degraded.jsonl", lines);
  }

  std::string out_;
  std::string err_;
};

TEST_F(DreamerGateCli, CaptureThenCompareTheSameRunPasses) {
  const auto run = healthy_run();
  const auto baseline = dir_ / "baseline.json";
  ASSERT_EQ(gate("capture --metrics " + run.string() + " --last 3 --output " + baseline.string()), 0) << err_;
  ASSERT_TRUE(std::filesystem::exists(baseline));
  const auto frozen = nlohmann::json::parse(read_file_text(baseline));
  EXPECT_EQ(frozen["source_meta"]["capture_command"],
            kGate + " capture --metrics " + run.string() + " --last 3 --output " + baseline.string());
  const auto verdict = dir_ / "verdict.json";
  EXPECT_EQ(gate("compare --baseline " + baseline.string() + " --metrics " + run.string() + " --gate cpu-daily" +
                 " --verdict " + verdict.string()),
            0)
      << out_ << err_;
  EXPECT_EQ(out_.rfind("gate cpu-daily: PASS (", 0), 0u) << out_;
  EXPECT_EQ(nlohmann::json::parse(read_file_text(verdict))["status"], "PASS");
}

TEST_F(DreamerGateCli, DegradedRunFailsWithExitCodeOne) {
  // The same curve 50% higher: every loss leaves its band on the bad side.
  const auto baseline = dir_ / "baseline.json";
  ASSERT_EQ(gate("capture --metrics " + healthy_run().string() + " --last 3 --output " + baseline.string()), 0);
  const auto verdict = dir_ / "verdict.json";
  EXPECT_EQ(gate("compare --baseline " + baseline.string() + " --metrics " + healthy_run(1.5).string() + " --verdict " +
                 verdict.string()),
            1);
  EXPECT_NE(out_.find(": FAIL ("), std::string::npos) << out_;
  const auto root = nlohmann::json::parse(read_file_text(verdict));
  EXPECT_EQ(root["status"], "FAIL");
  bool obs_failed = false;
  for (const auto& rule : root["rules"]) obs_failed |= rule["key"] == "obs_nll" && rule["status"] == "FAIL";
  EXPECT_TRUE(obs_failed);
}

TEST_F(DreamerGateCli, PredecessorBaselineAgainstARunWithOurNames) {
  const auto baseline = write("old.json",
                              "{\"schema_version\":1,\"created_at\":\"x\",\"source\":\"old\",\"input_kind\":"
                              "\"jsonl\",\"env_steps_min\":512,\"env_steps_max\":512,\"count\":1,"
                              "\"keys\":[\"Loss/observation_loss\",\"State/kl\"],"
                              "\"metrics\":{\"Loss/observation_loss\":100.0,\"State/kl\":2.0},"
                              "\"missing_keys\":[],\"threshold_pct\":0.15,\"abs_tol\":1e-06}");
  EXPECT_EQ(gate("compare --baseline " + baseline.string() + " --metrics " + healthy_run().string()), 0) << out_;
  EXPECT_EQ(out_, "gate compare: PASS (3 rules: 3 PASS)\n");
}

TEST_F(DreamerGateCli, BaselineKeyTheRunLacksIsMissingAndFails) {
  const auto baseline = write("b.json",
                              "{\"schema_version\":1,\"created_at\":\"x\",\"source\":\"s\",\"input_kind\":\"json\","
                              "\"env_steps_min\":null,\"env_steps_max\":null,\"count\":1,\"keys\":[\"sps_mean\"],"
                              "\"metrics\":{\"sps_mean\":4.0},\"missing_keys\":[],\"threshold_pct\":0.15,"
                              "\"abs_tol\":1e-06}");
  const auto summary = write("bench.json", "{\"train_sps_mean\": 5.0}");
  EXPECT_EQ(gate("compare --baseline " + baseline.string() + " --summary " + summary.string()), 1);
  EXPECT_EQ(out_, "gate compare: FAIL (1 rule: 1 MISSING)\n");
}

TEST_F(DreamerGateCli, BadInputGivesOneErrorLineAndExitTwo) {
  const auto broken = write("broken.json", "{not json");
  EXPECT_EQ(gate("compare --baseline " + broken.string() + " --metrics " + healthy_run().string()), 2);
  EXPECT_EQ(std::count(err_.begin(), err_.end(), '\n'), 1) << err_;
  EXPECT_NE(err_.find("invalid JSON"), std::string::npos) << err_;
  EXPECT_EQ(gate("run no-such-gate"), 2);
  EXPECT_NE(err_.find("unknown gate 'no-such-gate'"), std::string::npos) << err_;
  EXPECT_EQ(gate("capture --output x.json"), 2);
  EXPECT_EQ(gate("frobnicate"), 2);
}

TEST_F(DreamerGateCli, SmokeRulesPassALearningRunAndFailAFlatReconstruction) {
  EXPECT_EQ(gate("smoke --metrics " + healthy_run().string() + " --gate cpu-smoke"), 0) << out_ << err_;
  EXPECT_EQ(out_, "gate cpu-smoke: PASS (4 rules: 4 PASS)\n");
  std::string flat;
  for (int i = 0; i < 8; ++i) {
    flat += "{\"env_steps\":" + std::to_string(64 * (i + 1)) +
            ",\"obs_nll\":400,\"prior_entropy\":15,\"posterior_entropy\":14}\n";
  }
  const auto verdict = dir_ / "smoke.json";
  EXPECT_EQ(gate("smoke --metrics " + write("flat.jsonl", flat).string() + " --verdict " + verdict.string()), 1);
  EXPECT_EQ(out_, "gate smoke: FAIL (4 rules: 3 PASS, 1 FAIL)\n");
  const auto root = nlohmann::json::parse(read_file_text(verdict));
  EXPECT_EQ(root["rules"][1]["rule"], "recon_improves");
  EXPECT_EQ(root["rules"][1]["status"], "FAIL");
  // A goal task without a final greedy evaluation fails (MISSING).
  EXPECT_EQ(gate("smoke --goal-task --metrics " + healthy_run().string()), 1);
  EXPECT_NE(out_.find("1 MISSING"), std::string::npos) << out_;
}

// A run whose world model learned (healthy losses) but whose policy did not:
// its final greedy evaluation reached nothing, so the goal-task rule fails
// with exit 1. The same run with a successful evaluation passes.
TEST_F(DreamerGateCli, GoalTaskFailsAnUntrainedPolicyAndPassesATrainedOne) {
  const std::string training = read_file_text(healthy_run());
  const auto evaluated = [&](double rate) {
    return write("evaluated.jsonl", training +
                                        "{\"env_steps\":512,\"opt_steps\":8,\"final_eval\":true,"
                                        "\"eval_episodes\":64,\"eval_success_rate\":" +
                                        std::to_string(rate) + "}\n");
  };
  EXPECT_EQ(gate("smoke --goal-task --metrics " + evaluated(0.0).string()), 1) << out_ << err_;
  EXPECT_EQ(out_, "gate smoke: FAIL (5 rules: 4 PASS, 1 FAIL)\n");
  EXPECT_EQ(gate("smoke --goal-task --metrics " + evaluated(1.0).string()), 0) << out_ << err_;
  EXPECT_EQ(gate("smoke --goal-task --greedy-min-episodes 65 --metrics " + evaluated(1.0).string()), 1) << out_;
}

// The committed cpu-daily baseline against a run holding exactly its values
// (PASS), then against the same run with a 20% worse reconstruction (FAIL,
// exit 1): the file is well formed and its band catches such a regression.
TEST_F(DreamerGateCli, CommittedStandingStillBaselineCatchesATwentyPercentWorseReconstruction) {
  const std::filesystem::path committed =
      std::filesystem::path(DREAMER_SOURCE_DIR) / "gates" / "baselines" / "standing_still_cpu.json";
  ASSERT_TRUE(std::filesystem::exists(committed)) << committed;
  const auto frozen = nlohmann::json::parse(read_file_text(committed));
  ASSERT_TRUE(frozen["source_meta"]["run_command"].is_string());
  ASSERT_FALSE(frozen["source_meta"]["git_dirty"].get<bool>()) << "baselines come from a clean tree";
  const auto run_with = [&](double obs_nll_factor) {
    std::string lines;
    for (int i = 0; i < frozen["count"].get<int>(); ++i) {
      nlohmann::json record = {{"env_steps", 832 + 16 * i}, {"opt_steps", 305 + 5 * i}};
      for (const auto& [key, value] : frozen["metrics"].items())
        record[key] = value.get<double>() * (key == "obs_nll" ? obs_nll_factor : 1.0);
      lines += record.dump() + "\n";
    }
    return write(obs_nll_factor == 1.0 ? "same.jsonl" : "worse.jsonl", lines).string();
  };
  const std::string baseline = " --baseline " + committed.string();
  EXPECT_EQ(gate("compare" + baseline + " --metrics " + run_with(1.0) + " --gate standing-still"), 0) << out_;
  EXPECT_EQ(out_.rfind("gate standing-still: PASS (", 0), 0u) << out_;
  const auto verdict = dir_ / "verdict.json";
  EXPECT_EQ(gate("compare" + baseline + " --metrics " + run_with(1.2) + " --gate standing-still --verdict " +
                 verdict.string()),
            1)
      << out_;
  EXPECT_NE(out_.find(": FAIL ("), std::string::npos) << out_;
  for (const auto& rule : nlohmann::json::parse(read_file_text(verdict))["rules"]) {
    if (rule["key"] == "obs_nll") {
      EXPECT_EQ(rule["status"], "FAIL") << rule.dump();
    }
  }
}

TEST_F(DreamerGateCli, ListNamesTheGateMatrix) {
  EXPECT_EQ(gate("list"), 0);
  EXPECT_NE(out_.find("cpu-daily:"), std::string::npos);
  EXPECT_NE(out_.find("gpu-main:"), std::string::npos);
}

}  // namespace
}  // namespace dreamer::gates
