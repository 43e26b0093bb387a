#include "gates/baseline.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "gates_test_files.hpp"

namespace dreamer::gates {
namespace {

const std::filesystem::path kPredecessorBaselines =
    std::filesystem::path(DREAMER_SHARED_DIR) / "predecessor_formats" / "baselines";

nlohmann::ordered_json load_ordered(const std::filesystem::path& path) {
  return nlohmann::ordered_json::parse(read_file_text(path));
}

// A metrics.jsonl shaped like the predecessor's run: two earlier records with
// other values (outside the window) and the record at env_steps_max holding
// the frozen metrics. Loaded from the file, then labelled with the
// predecessor's source path.
MetricSource jsonl_source_from(const nlohmann::ordered_json& expected, const std::filesystem::path& file) {
  std::string lines;
  const double last_step = expected["env_steps_max"].get<double>();
  for (const double step : {last_step - 256, last_step - 128, last_step}) {
    nlohmann::ordered_json record = {{"env_steps", static_cast<std::int64_t>(step)}};
    for (const auto& item : expected["metrics"].items()) {
      record[item.key()] = step == last_step ? item.value().get<double>() : item.value().get<double>() * 3.0 + 1.0;
    }
    lines += record.dump() + "\n";
  }
  write_file_atomic(file, lines);
  MetricSource source = load_metrics_jsonl(file);
  source.path = expected["source"].get<std::string>();
  return source;
}

MetricSource json_source_from(const nlohmann::ordered_json& expected) {
  MetricSource source;
  source.kind = InputKind::kJson;
  source.path = expected["source"].get<std::string>();
  source.summary = expected["metrics"];
  return source;
}

class PredecessorBaselines : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!std::filesystem::is_directory(kPredecessorBaselines)) {
      GTEST_SKIP() << "predecessor baselines not found at " << kPredecessorBaselines
                   << " (DREAMER_SHARED_DIR is absent)";
    }
  }
};

TEST_F(PredecessorBaselines, CaptureReproducesEveryFileFromItsSourceShape) {
  const std::filesystem::path scratch = std::filesystem::temp_directory_path() / "dreamer_gates_source.jsonl";
  for (const char* name :
       {"bench_small.json", "exit_oak_eval_small.json", "exit_oak_small.json", "standing_still_small.json"}) {
    SCOPED_TRACE(name);
    const nlohmann::ordered_json expected = load_ordered(kPredecessorBaselines / name);
    CaptureOptions options;
    MetricSource source;
    if (expected["input_kind"] == "jsonl") {
      source = jsonl_source_from(expected, scratch);
      options.window.env_steps_min = expected["env_steps_min"].get<double>();
      options.window.env_steps_max = expected["env_steps_max"].get<double>();
    } else {
      source = json_source_from(expected);
    }
    nlohmann::ordered_json written = baseline_to_json(capture_baseline(source, options));
    written["created_at"] = expected["created_at"];
    EXPECT_EQ(written.dump(2), expected.dump(2));
  }
  std::filesystem::remove(scratch);
}

TEST_F(PredecessorBaselines, ReadAndWriteBackIsByteIdentical) {
  const std::filesystem::path out = std::filesystem::temp_directory_path() / "dreamer_gates_roundtrip.json";
  for (const auto& entry : std::filesystem::directory_iterator(kPredecessorBaselines)) {
    SCOPED_TRACE(entry.path().string());
    const Baseline baseline = read_baseline(entry.path());
    write_baseline(out, baseline);
    EXPECT_EQ(load_ordered(out), load_ordered(entry.path()));
    EXPECT_EQ(read_file_text(out), read_file_text(entry.path()));
  }
  std::filesystem::remove(out);
}

TEST_F(PredecessorBaselines, StandingStillValuesAndMissingKeysAreRead) {
  const Baseline baseline = read_baseline(kPredecessorBaselines / "standing_still_small.json");
  EXPECT_EQ(baseline.input_kind, InputKind::kJsonl);
  EXPECT_EQ(baseline.env_steps_min, 384.0);
  EXPECT_EQ(baseline.count, 1);
  EXPECT_EQ(baseline.metrics.size(), 14u);
  EXPECT_EQ(baseline.missing_keys.size(), 12u);
  EXPECT_EQ(baseline.metric("obs_nll"), 572.1688158512115);
  EXPECT_EQ(baseline.metric("Loss/observation_loss"), 572.1688158512115);
  EXPECT_EQ(baseline.metric("kl_dyn"), 1.8927926155738533);
  EXPECT_FALSE(baseline.metric("loss_actor").has_value());
  EXPECT_DOUBLE_EQ(baseline.threshold_pct, 0.15);
  EXPECT_DOUBLE_EQ(baseline.abs_tol, 1e-6);
}

using Capture = GatesFilesTest;

TEST_F(Capture, FreezesTheLowerMedianOverTheLastRecords) {
  // obs_nll over the last 4 records: 4, 1, 3, 2 -> sorted 1 2 3 4 -> lower median 2.
  // sps over the last 4: 10, null, 30, 20 -> finite 10 20 30 -> median 20.
  const auto path = write("m.jsonl",
                          "{\"env_steps\":8,\"obs_nll\":100,\"sps\":1}\n"
                          "{\"event\":\"checkpoint\"}\n"
                          "{\"env_steps\":16,\"obs_nll\":4,\"sps\":10}\n"
                          "{\"env_steps\":24,\"obs_nll\":1,\"sps\":null}\n"
                          "{\"env_steps\":32,\"obs_nll\":3,\"sps\":30}\n"
                          "{\"env_steps\":40,\"obs_nll\":2,\"sps\":20,\"loss_actor\":null}\n");
  CaptureOptions options;
  options.window.last = 4;
  const Baseline baseline = capture_baseline(load_metrics_jsonl(path), options);
  EXPECT_EQ(baseline.count, 4);
  EXPECT_EQ(baseline.env_steps_min, 16.0);
  EXPECT_EQ(baseline.env_steps_max, 40.0);
  EXPECT_EQ(baseline.metric("obs_nll"), 2.0);
  EXPECT_EQ(baseline.metric("sps"), 20.0);
  EXPECT_EQ(baseline.keys, (std::vector<std::string>{"obs_nll", "sps"}));
  // Absent defaults are reported under our names (the run used ours).
  EXPECT_EQ(baseline.missing_keys.front(), "loss_model");
  EXPECT_NE(std::find(baseline.missing_keys.begin(), baseline.missing_keys.end(), "loss_actor"),
            baseline.missing_keys.end());
}

TEST_F(Capture, EnvStepsRangeAndNamedKeys) {
  const auto path = write("m.jsonl",
                          "{\"env_steps\":10,\"obs_nll\":5,\"Loss/reward_loss\":1}\n"
                          "{\"env_steps\":20,\"obs_nll\":6,\"Loss/reward_loss\":2}\n"
                          "{\"env_steps\":30,\"obs_nll\":7,\"Loss/reward_loss\":3}\n");
  CaptureOptions options;
  options.window.env_steps_min = 15;
  options.window.env_steps_max = 30;
  options.keys = {"reward_nll", "obs_nll", "dist_p50"};
  const Baseline baseline = capture_baseline(load_metrics_jsonl(path), options);
  EXPECT_EQ(baseline.count, 2);
  ASSERT_EQ(baseline.metrics.size(), 2u);
  EXPECT_EQ(baseline.metrics[0], (std::pair<std::string, double>{"reward_nll", 2.0}));
  EXPECT_EQ(baseline.metrics[1], (std::pair<std::string, double>{"obs_nll", 6.0}));
  EXPECT_EQ(baseline.missing_keys, std::vector<std::string>{"dist_p50"});
}

TEST_F(Capture, EmptyWindowIsAnError) {
  const auto path = write("m.jsonl", "{\"env_steps\":10,\"obs_nll\":5}\n");
  CaptureOptions options;
  options.window.env_steps_min = 100;
  EXPECT_THROW(capture_baseline(load_metrics_jsonl(path), options), Error);
}

TEST_F(Capture, RejectsAnUnknownSchemaVersion) {
  const auto path = write("b.json",
                          "{\"schema_version\":2,\"created_at\":\"x\",\"source\":\"s\",\"input_kind\":\"json\","
                          "\"env_steps_min\":null,\"env_steps_max\":null,\"count\":1,\"keys\":[],\"metrics\":{},"
                          "\"missing_keys\":[],\"threshold_pct\":0.15,\"abs_tol\":1e-6}");
  EXPECT_THROW(read_baseline(path), Error);
}

TEST_F(Capture, SourceMetaComesFromTheRunsMetaJsonAndRoundTrips) {
  const auto metrics = write("metrics.jsonl", "{\"env_steps\":10,\"obs_nll\":5}\n");
  EXPECT_EQ(describe_run_source(metrics), nlohmann::ordered_json::object());  // no meta.json beside it
  write("meta.json",
        "{\"command_line\":\"dreamer_learner --mode standing_still\",\"created_utc\":\"2026-11-26T05:00:00Z\","
        "\"device\":\"cpu\",\"git\":{\"commit\":\"abc123\",\"dirty\":false},\"host\":\"ci\","
        "\"versions\":{\"torch\":\"2.11.0\",\"cuda_runtime\":\"13.0.0\",\"cuda_driver\":\"13.0.0\"},"
        "\"gpu_names\":[\"NVIDIA H100 80GB HBM3\"]}");
  Baseline baseline = capture_baseline(load_metrics_jsonl(metrics), CaptureOptions{});
  EXPECT_TRUE(baseline.source_meta.is_null());
  EXPECT_EQ(baseline_to_json(baseline).count("source_meta"), 0u);  // absent unless set
  baseline.source_meta = describe_run_source(metrics);
  EXPECT_EQ(baseline.source_meta["run_command"], "dreamer_learner --mode standing_still");
  EXPECT_EQ(baseline.source_meta["git_commit"], "abc123");
  EXPECT_EQ(baseline.source_meta["git_dirty"], false);
  EXPECT_EQ(baseline.source_meta["torch"], "2.11.0");
  EXPECT_EQ(baseline.source_meta["cuda_runtime"], "13.0.0");
  EXPECT_EQ(baseline.source_meta["gpu_names"][0], "NVIDIA H100 80GB HBM3");
  EXPECT_EQ(baseline.source_meta.count("nccl"), 0u);  // absent from meta.json: absent here
  write_baseline(dir_ / "b.json", baseline);
  const Baseline read_back = read_baseline(dir_ / "b.json");
  EXPECT_EQ(read_back.source_meta, baseline.source_meta);
  EXPECT_EQ(baseline_to_json(read_back).dump(2), baseline_to_json(baseline).dump(2));

  write("bad.json",
        "{\"schema_version\":1,\"created_at\":\"x\",\"source\":\"s\",\"input_kind\":\"json\","
        "\"env_steps_min\":null,\"env_steps_max\":null,\"count\":1,\"keys\":[],\"metrics\":{},"
        "\"missing_keys\":[],\"threshold_pct\":0.15,\"abs_tol\":1e-6,\"source_meta\":\"text\"}");
  EXPECT_THROW(read_baseline(dir_ / "bad.json"), Error);
}

Baseline one_key_baseline(const std::string& key, double value) {
  Baseline baseline;
  baseline.input_kind = InputKind::kJson;
  baseline.count = 1;
  baseline.keys = {key};
  baseline.metrics = {{key, value}};
  return baseline;
}

RuleStatus status_of(const std::string& key, double baseline_value, std::optional<double> observed) {
  const Baseline baseline = one_key_baseline(key, baseline_value);
  return compare_metric(key, observed, baseline_value, baseline, CompareOptions{}).status;
}

TEST(Compare, BandEdgesArePassOneStepOutsideIsFailOrImproved) {
  // b = 100, threshold 15% -> band [85, 115], edges inclusive.
  EXPECT_EQ(status_of("obs_nll", 100.0, 115.0), RuleStatus::kPass);
  EXPECT_EQ(status_of("obs_nll", 100.0, 85.0), RuleStatus::kPass);
  EXPECT_EQ(status_of("obs_nll", 100.0, std::nextafter(115.0, 200.0)), RuleStatus::kFail);
  EXPECT_EQ(status_of("obs_nll", 100.0, std::nextafter(85.0, 0.0)), RuleStatus::kImproved);
  EXPECT_EQ(status_of("sps", 100.0, std::nextafter(115.0, 200.0)), RuleStatus::kImproved);
  EXPECT_EQ(status_of("sps", 100.0, std::nextafter(85.0, 0.0)), RuleStatus::kFail);
  EXPECT_EQ(status_of("replay_ratio", 100.0, 116.0), RuleStatus::kFail);
  EXPECT_EQ(status_of("replay_ratio", 100.0, 84.0), RuleStatus::kFail);
  EXPECT_EQ(status_of("obs_nll", 100.0, std::nullopt), RuleStatus::kMissing);
}

TEST(Compare, AbsoluteToleranceFloorsTheBandAroundZero) {
  EXPECT_EQ(status_of("adv_mean", 0.0, 1e-6), RuleStatus::kPass);
  EXPECT_EQ(status_of("adv_mean", 0.0, -1e-6), RuleStatus::kPass);
  EXPECT_EQ(status_of("adv_mean", 0.0, 2e-6), RuleStatus::kFail);
  const Baseline baseline = one_key_baseline("adv_mean", -2.0);
  const RuleResult result = compare_metric("adv_mean", -2.0, -2.0, baseline, CompareOptions{});
  EXPECT_DOUBLE_EQ(*result.band_lo, -2.3);
  EXPECT_DOUBLE_EQ(*result.band_hi, -1.7);
}

TEST(Compare, SuccessRateMayFallToSixtyPercentOfTheBaseline) {
  // b = 0.5: PASS band [0.3, 0.575].
  EXPECT_EQ(status_of("success_rate", 0.5, 0.3), RuleStatus::kPass);
  EXPECT_EQ(status_of("success_rate", 0.5, 0.29), RuleStatus::kFail);
  EXPECT_EQ(status_of("success_rate", 0.5, 0.6), RuleStatus::kImproved);
}

TEST(Compare, DistanceMedianMayGrowToOnePointTwoTimesTheBaseline) {
  // b = 10: PASS band [8.5, 12].
  EXPECT_EQ(status_of("dist_p50", 10.0, 12.0), RuleStatus::kPass);
  EXPECT_EQ(status_of("dist_p50", 10.0, 12.01), RuleStatus::kFail);
  EXPECT_EQ(status_of("dist_p50", 10.0, 8.0), RuleStatus::kImproved);
}

using CompareRun = GatesFilesTest;

TEST_F(CompareRun, PredecessorNamesInTheBaselineFindOurNamesInTheRun) {
  const auto baseline_path = write("b.json",
                                   "{\"schema_version\":1,\"created_at\":\"x\",\"source\":\"old\",\"input_kind\":"
                                   "\"jsonl\",\"env_steps_min\":384,\"env_steps_max\":384,\"count\":1,"
                                   "\"keys\":[\"Grads/world_model\",\"Loss/observation_loss\",\"State/kl\"],"
                                   "\"metrics\":{\"Loss/observation_loss\":100.0,\"State/kl\":2.0,"
                                   "\"Grads/world_model\":50.0},"
                                   "\"missing_keys\":[],\"threshold_pct\":0.15,\"abs_tol\":1e-06}");
  const auto run = write("m.jsonl",
                         "{\"env_steps\":100,\"obs_nll\":300,\"kl_dyn\":9,\"grad_norm_model\":10}\n"
                         "{\"env_steps\":200,\"obs_nll\":105,\"kl_dyn\":2.1,\"grad_norm_model\":52}\n");
  const auto results = compare_to_baseline(read_baseline(baseline_path), load_metrics_jsonl(run), {});
  ASSERT_EQ(results.size(), 4u);
  for (const RuleResult& result : results) EXPECT_EQ(result.status, RuleStatus::kPass) << result.key;
  EXPECT_EQ(results[0].observed, 105.0);
  EXPECT_EQ(results[3].rule, "no_sustained_non_finite");
}

TEST_F(CompareRun, SustainedNullLossesFailButABriefGlitchPasses) {
  Baseline baseline = one_key_baseline("loss_model", 10.0);
  baseline.input_kind = InputKind::kJsonl;
  std::string lines;
  for (int step = 1; step <= 3; ++step) lines += "{\"env_steps\":" + std::to_string(step) + ",\"loss_model\":null}\n";
  lines += "{\"env_steps\":10,\"loss_model\":10}\n";
  const auto glitch = compare_to_baseline(baseline, load_metrics_jsonl(write("a.jsonl", lines)), {});
  EXPECT_EQ(glitch.back().status, RuleStatus::kPass);
  EXPECT_EQ(glitch.back().observed, 3.0);
  lines = "{\"env_steps\":0,\"loss_model\":null}\n" + lines;
  const auto sustained = compare_to_baseline(baseline, load_metrics_jsonl(write("b.jsonl", lines)), {});
  EXPECT_EQ(sustained.front().status, RuleStatus::kPass);
  EXPECT_EQ(sustained.back().status, RuleStatus::kFail);
  EXPECT_EQ(sustained.back().observed, 4.0);
}

TEST_F(CompareRun, KeyOnlyNullInTheWindowFailsAndAnAbsentKeyIsMissing) {
  Baseline baseline = one_key_baseline("obs_nll", 10.0);
  baseline.metrics.emplace_back("value_mean", 1.0);
  baseline.input_kind = InputKind::kJsonl;
  const auto run = write("m.jsonl", "{\"env_steps\":1,\"obs_nll\":null}\n");
  const auto results = compare_to_baseline(baseline, load_metrics_jsonl(run), {});
  EXPECT_EQ(results[0].status, RuleStatus::kFail);
  EXPECT_EQ(results[1].status, RuleStatus::kMissing);
}

TEST_F(CompareRun, SummaryAgainstSummary) {
  Baseline baseline = one_key_baseline("sps_mean", 4.0);
  baseline.metrics.emplace_back("total_ms_mean", 100.0);
  const auto run = write("bench.json", "{\"sps_mean\": 5.0, \"total_ms_mean\": 130.0}");
  const auto results = compare_to_baseline(baseline, load_summary_json(run), {});
  ASSERT_EQ(results.size(), 2u);
  EXPECT_EQ(results[0].status, RuleStatus::kImproved);
  EXPECT_EQ(results[1].status, RuleStatus::kFail);
}

}  // namespace
}  // namespace dreamer::gates
