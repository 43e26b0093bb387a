#include "gates/verdict.hpp"

#include <gtest/gtest.h>

#include "common/file_io.hpp"
#include "gates_test_files.hpp"

namespace dreamer::gates {
namespace {

RuleResult rule(RuleStatus status) {
  RuleResult result;
  result.rule = "baseline_band";
  result.key = "obs_nll";
  result.status = status;
  result.observed = 1.0;
  result.baseline = 1.0;
  result.baseline_source = "b.json";
  result.band_lo = 0.85;
  result.detail = "d";
  return result;
}

TEST(Verdict, SummaryCountsEachStatus) {
  std::vector<RuleResult> rules(6, rule(RuleStatus::kPass));
  rules.push_back(rule(RuleStatus::kImproved));
  const Verdict verdict = make_verdict("cpu-daily", rules);
  EXPECT_TRUE(verdict.passed());
  EXPECT_EQ(verdict.summary(), "gate cpu-daily: PASS (7 rules: 6 PASS, 1 IMPROVED)");
}

TEST(Verdict, MissingOrFailFailsTheGateAndNoRulesFailsToo) {
  EXPECT_FALSE(make_verdict("g", {rule(RuleStatus::kPass), rule(RuleStatus::kMissing)}).passed());
  EXPECT_EQ(make_verdict("g", {rule(RuleStatus::kFail), rule(RuleStatus::kMissing)}).summary(),
            "gate g: FAIL (2 rules: 1 FAIL, 1 MISSING)");
  EXPECT_FALSE(make_verdict("g", {}).passed());
  EXPECT_EQ(make_verdict("g", {}).summary(), "gate g: FAIL (0 rules: nothing was checked)");
}

using VerdictFile = GatesFilesTest;

TEST_F(VerdictFile, WritesTheDocumentedShapeAndReadsItBack) {
  RuleResult open_band = rule(RuleStatus::kPass);
  open_band.observed = std::nullopt;
  open_band.baseline_source = std::nullopt;
  const Verdict verdict = make_verdict("gpu-main", {rule(RuleStatus::kImproved), open_band});
  const auto path = dir_ / "verdict.json";
  write_verdict(path, verdict);
  const nlohmann::json root = nlohmann::json::parse(read_file_text(path));
  EXPECT_EQ(root["gate"], "gpu-main");
  EXPECT_EQ(root["status"], "PASS");
  EXPECT_EQ(root["summary"], "gate gpu-main: PASS (2 rules: 1 PASS, 1 IMPROVED)");
  EXPECT_EQ(root["created_utc"].get<std::string>().size(), 20u);
  ASSERT_EQ(root["rules"].size(), 2u);
  const auto& first = root["rules"][0];
  for (const char* key : {"rule", "key", "status", "observed", "baseline", "baseline_source", "band", "detail"}) {
    EXPECT_TRUE(first.contains(key)) << key;
  }
  EXPECT_EQ(first["status"], "IMPROVED");
  EXPECT_EQ(first["band"], nlohmann::json::array({0.85, nullptr}));
  EXPECT_TRUE(root["rules"][1]["observed"].is_null());
  EXPECT_TRUE(root["rules"][1]["baseline_source"].is_null());
  const Verdict back = read_verdict(path);
  EXPECT_EQ(back.rules.size(), 2u);
  EXPECT_EQ(back.rules[0].status, RuleStatus::kImproved);
  EXPECT_FALSE(back.rules[1].observed.has_value());
  EXPECT_EQ(back.summary(), verdict.summary());
}

}  // namespace
}  // namespace dreamer::gates
