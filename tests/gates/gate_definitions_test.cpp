#include "gates/gate_definitions.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "common/file_io.hpp"
#include "gates_test_files.hpp"

namespace dreamer::gates {
namespace {

using GateRun = GatesFilesTest;

TEST(GateDefinitions, RegistryHoldsTheGateMatrix) {
  ASSERT_NE(find_gate("cpu-daily"), nullptr);
  ASSERT_NE(find_gate("gpu-main"), nullptr);
  EXPECT_EQ(find_gate("nightly"), nullptr);
  for (const GateDefinition& gate : gate_definitions()) EXPECT_FALSE(gate.steps.empty()) << gate.name;
}

TEST_F(GateRun, PlaceholdersAndNewestRunDirectory) {
  GateContext context{dir_ / "gate", "/opt/bin", "/b", "/src", {}};
  EXPECT_EQ(expand_placeholders("{bin_dir}/x {step_dir} {source_dir}{build_dir}", context, dir_ / "gate" / "s"),
            "/opt/bin/x " + (dir_ / "gate" / "s").string() + " /src/b");
  std::filesystem::create_directories(dir_ / "rl" / "20260101_000000__dreamer_v3__red__t");
  std::filesystem::create_directories(dir_ / "rl" / "20260102_000000__dreamer_v3__red__t");
  std::filesystem::create_directories(dir_ / "rl" / "20260103_000000__dreamer_v3__red__other");
  EXPECT_EQ(resolve_newest(dir_ / "rl" / "*__t" / "metrics.jsonl"),
            dir_ / "rl" / "20260102_000000__dreamer_v3__red__t" / "metrics.jsonl");
  EXPECT_TRUE(resolve_newest(dir_ / "rl" / "*__none" / "metrics.jsonl").empty());
}

TEST(GateDefinitions, TestFilterWordSplicesTheFilterOrNothing) {
  GateContext context{"/g", "/bin", "/build", "/src", {}};
  const std::vector<std::string> command = {"ctest", "--test-dir", "{build_dir}", kTestFilterWord, "-j1"};
  EXPECT_EQ(expand_command(command, context, "/g/s"),
            (std::vector<std::string>{"ctest", "--test-dir", "/build", "-j1"}));
  context.test_filter = {"-L", "gates", "-R", "Verdict"};
  EXPECT_EQ(expand_command(command, context, "/g/s"),
            (std::vector<std::string>{"ctest", "--test-dir", "/build", "-L", "gates", "-R", "Verdict", "-j1"}));
  // Every ctest step of the matrix takes the filter.
  for (const GateDefinition& gate : gate_definitions()) {
    for (const GateStep& step : gate.steps) {
      if (step.command.empty() || step.command[0] != "ctest") continue;
      EXPECT_NE(std::find(step.command.begin(), step.command.end(), kTestFilterWord), step.command.end())
          << gate.name << "/" << step.name;
    }
  }
}

TEST_F(GateRun, StepsRunTheirCommandAndApplyRulesToTheMetricsTheyWrite) {
  GateDefinition gate;
  gate.name = "test-gate";
  // Writes a healthy metrics file into a timestamped run folder below its step folder.
  gate.steps.push_back(
      {"smoke",
       {"sh", "-c",
        "mkdir -p runs/20260101_000000__t && for i in 1 2 3 4 5 6; do "
        "echo \"{\\\"env_steps\\\":$i,\\\"obs_nll\\\":$((100 - 10 * i))}\"; done > runs/20260101_000000__t/"
        "metrics.jsonl"},
       "{step_dir}/runs/*__t/metrics.jsonl",
       "",
       [](const MetricRecords& records) {
         return std::vector<RuleResult>{losses_finite(records), recon_improves(records)};
       }});
  gate.steps.push_back({"fails", {"sh", "-c", "echo broken; exit 3"}, "", "", {}});
  gate.steps.push_back({"not-built", {"{bin_dir}/dreamer_nothing"}, "x.jsonl", "", {}});
  const Verdict verdict = run_gate(gate, GateContext{dir_ / "gate", dir_, dir_, dir_, {}});
  ASSERT_EQ(verdict.rules.size(), 5u);
  EXPECT_EQ(verdict.rules[0].rule, "step_runs");
  EXPECT_EQ(verdict.rules[0].status, RuleStatus::kPass);
  EXPECT_EQ(verdict.rules[1].status, RuleStatus::kPass);  // losses finite
  EXPECT_EQ(verdict.rules[2].status, RuleStatus::kPass);  // 90,80,70 then 60,50,40: median 80 -> 50
  EXPECT_DOUBLE_EQ(*verdict.rules[2].observed, 30.0 / 80.0);
  EXPECT_EQ(verdict.rules[3].status, RuleStatus::kFail);
  EXPECT_NE(verdict.rules[3].detail.find("exit status 3"), std::string::npos);
  EXPECT_EQ(read_file_text(dir_ / "gate" / "fails" / "log.txt"), "broken\n");
  EXPECT_EQ(verdict.rules[4].status, RuleStatus::kMissing);
  EXPECT_FALSE(verdict.passed());
}

TEST_F(GateRun, StepMetricsAreComparedWithTheirBaselineAndAnAbsentBaselineIsMissing) {
  write("baseline.json",
        "{\"schema_version\":1,\"created_at\":\"x\",\"source\":\"s\",\"input_kind\":\"jsonl\","
        "\"env_steps_min\":2,\"env_steps_max\":2,\"count\":1,\"keys\":[\"obs_nll\"],"
        "\"metrics\":{\"obs_nll\":10.0},\"missing_keys\":[],\"threshold_pct\":0.15,\"abs_tol\":1e-06}");
  const std::string command =
      "printf '{\"env_steps\":1,\"obs_nll\":50}\\n{\"env_steps\":2,\"obs_nll\":11}\\n' > m.jsonl";
  GateDefinition gate;
  gate.name = "baseline-gate";
  gate.steps.push_back({"compared", {"sh", "-c", command}, "{step_dir}/m.jsonl", "{source_dir}/baseline.json", {}});
  gate.steps.push_back({"no-baseline", {"sh", "-c", command}, "{step_dir}/m.jsonl", "{source_dir}/absent.json", {}});
  const Verdict verdict = run_gate(gate, GateContext{dir_ / "gate", dir_, dir_, dir_, {}});
  ASSERT_EQ(verdict.rules.size(), 5u) << verdict.to_json().dump(2);
  EXPECT_EQ(verdict.rules[1].rule, "baseline_band");
  EXPECT_EQ(verdict.rules[1].status, RuleStatus::kPass);  // last record: 11 in [8.5, 11.5]
  EXPECT_EQ(verdict.rules[1].observed, 11.0);
  EXPECT_EQ(verdict.rules[1].baseline_source, (dir_ / "baseline.json").string());
  EXPECT_EQ(verdict.rules[2].rule, "no_sustained_non_finite");
  EXPECT_EQ(verdict.rules[4].rule, "baseline_exists");
  EXPECT_EQ(verdict.rules[4].status, RuleStatus::kMissing);
  EXPECT_EQ(verdict.summary(), "gate baseline-gate: FAIL (5 rules: 4 PASS, 1 MISSING)");
}

TEST(GateDefinitions, CtestCountIsReadFromItsSummaryLine) {
  EXPECT_EQ(ctest_test_count("...\n100% tests passed, 0 tests failed out of 412\n\nTotal Test time"), 412);
  EXPECT_EQ(ctest_test_count("90% tests passed, 1 tests failed out of 10\n"), 10);
  EXPECT_EQ(ctest_test_count("No tests were found!!!\n"), std::nullopt);
  EXPECT_EQ(ctest_test_count("tests failed out of \n"), std::nullopt);
}

// A test step whose log shows too few tests fails even with exit status 0;
// one that shows none fails; under a --test-label filter one test is enough.
TEST_F(GateRun, TestStepsFailWhenTooFewTestsRan) {
  GateDefinition gate;
  gate.name = "tests-gate";
  gate.steps.push_back({"three", {"sh", "-c", "echo '100% tests passed, 0 tests failed out of 3'"}, "", "", {}, 5});
  gate.steps.push_back({"none", {"sh", "-c", "echo 'No tests were found!!!'"}, "", "", {}, 1});
  gate.steps.push_back({"enough", {"sh", "-c", "echo '100% tests passed, 0 tests failed out of 5'"}, "", "", {}, 5});
  Verdict verdict = run_gate(gate, GateContext{dir_ / "gate", dir_, dir_, dir_, {}});
  ASSERT_EQ(verdict.rules.size(), 6u) << verdict.to_json().dump(2);
  EXPECT_EQ(verdict.rules[0].status, RuleStatus::kPass);  // step_runs: exit status 0
  EXPECT_EQ(verdict.rules[1].rule, "tests_counted");
  EXPECT_EQ(verdict.rules[1].status, RuleStatus::kFail);
  EXPECT_EQ(verdict.rules[1].observed, 3.0);
  EXPECT_EQ(verdict.rules[3].status, RuleStatus::kFail);
  EXPECT_NE(verdict.rules[3].detail.find("no test count"), std::string::npos) << verdict.rules[3].detail;
  EXPECT_EQ(verdict.rules[5].status, RuleStatus::kPass);
  verdict = run_gate(gate, GateContext{dir_ / "filtered", dir_, dir_, dir_, {"-L", "gates"}});
  EXPECT_EQ(verdict.rules[1].status, RuleStatus::kPass);
  EXPECT_EQ(verdict.rules[3].status, RuleStatus::kFail);
}

// Every ctest step of the matrix refuses an empty selection and counts its tests.
TEST(GateDefinitions, EveryTestStepCountsItsTests) {
  for (const GateDefinition& gate : gate_definitions()) {
    for (const GateStep& step : gate.steps) {
      if (step.command.empty() || step.command[0] != "ctest") continue;
      EXPECT_GT(step.min_tests, 0) << gate.name << "/" << step.name;
      EXPECT_NE(std::find(step.command.begin(), step.command.end(), "--no-tests=error"), step.command.end())
          << gate.name << "/" << step.name;
    }
  }
}

}  // namespace
}  // namespace dreamer::gates
