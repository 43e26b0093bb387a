// dreamer_gate: baselines and verdicts (DESIGN.md §8, docs/gates.md).
//
//   dreamer_gate capture --metrics F.jsonl | --summary F.json
//                        [--last N | --env-steps-min A --env-steps-max B]
//                        [--keys k1,k2] [--threshold-pct P] [--abs-tol T]
//                        --output baseline.json
//     (source_meta records the capture command and, from the run's meta.json,
//     the run's command line and git commit)
//   dreamer_gate compare --baseline B.json --metrics F.jsonl | --summary F.json
//                        [--last N | --env-steps-min A --env-steps-max B]
//                        [--max-nonfinite-run K] [--verdict out.json] [--gate NAME]
//   dreamer_gate smoke --metrics F.jsonl [--warmup-updates W] [--recon-within-updates N]
//                      [--goal-task [--greedy-min-success R] [--greedy-min-episodes N]]
//                      [--replay-ratio-target R [--replay-ratio-tolerance T]]
//                      [--verdict out.json] [--gate NAME]
//   dreamer_gate run <gate> [--output DIR] [--build-dir DIR] [--test-label L] [--test-regex R]
//                    [--test-exclude R]
//   dreamer_gate plot --metrics F.jsonl [--keys k1,k2] --output plot.png
//   dreamer_gate curves RUN_DIR... [--title T] --output curves.png --json curves.json
//     (greedy success vs env steps and wall time of several runs, e.g. seeds,
//     and their interquartile mean: gates/learning_curves.hpp)
//   dreamer_gate list
//
// compare, smoke and run print the one-line summary and exit 1 when any rule is
// FAIL or MISSING. Bad input: one line on stderr, exit 2.
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/media/png_writer.hpp"
#include "common/run/repro_script.hpp"
#include "common/run/utc_time.hpp"
#include "gates/baseline.hpp"
#include "gates/gate_definitions.hpp"
#include "gates/learning_curves.hpp"
#include "gates/metric_source.hpp"
#include "gates/metrics_plot.hpp"
#include "gates/rules.hpp"
#include "gates/run_equality.hpp"
#include "gates/verdict.hpp"

#include "launch/command_line.hpp"

namespace {

using namespace dreamer;
using namespace dreamer::gates;

struct InputArgs {
  std::string metrics;
  std::string summary;
  std::optional<std::size_t> last;
  std::optional<double> env_steps_min;
  std::optional<double> env_steps_max;
};

void add_input_options(CLI::App& command, InputArgs& args) {
  auto* metrics = command.add_option("--metrics", args.metrics, "metrics.jsonl of a run")->check(CLI::ExistingFile);
  auto* summary = command.add_option("--summary", args.summary, "flat JSON summary (dreamer_bench / dreamer_eval)")
                      ->check(CLI::ExistingFile);
  metrics->excludes(summary);
  auto* last =
      command.add_option("--last", args.last, "window: the last N records with env_steps")->check(CLI::PositiveNumber);
  auto* lo = command.add_option("--env-steps-min", args.env_steps_min, "window: env_steps >= A");
  auto* hi = command.add_option("--env-steps-max", args.env_steps_max, "window: env_steps <= B");
  for (auto* window : {last, lo, hi}) window->excludes(summary);
}

MetricSource load_input(const InputArgs& args) {
  if (args.metrics.empty() && args.summary.empty()) throw Error("give --metrics F.jsonl or --summary F.json");
  return args.metrics.empty() ? load_summary_json(args.summary) : load_metrics_jsonl(args.metrics);
}

std::optional<MetricWindow> window_of(const InputArgs& args) {
  if (!args.last && !args.env_steps_min && !args.env_steps_max) return std::nullopt;
  if (args.env_steps_min && args.env_steps_max && *args.env_steps_min > *args.env_steps_max) {
    throw Error("--env-steps-min is greater than --env-steps-max");
  }
  return MetricWindow{args.last, args.env_steps_min, args.env_steps_max};
}

std::string default_gate_dir(const std::string& gate) {
  return "bench/gates/" + gate + "__" + format_utc(std::chrono::system_clock::now(), "%Y%m%d_%H%M%S");
}

int finish(const Verdict& verdict, const std::string& verdict_path) {
  if (!verdict_path.empty()) write_verdict(verdict_path, verdict);
  std::cout << verdict.summary() << "\n";
  return verdict.passed() ? 0 : 1;
}

int run_main(int argc, char** argv) {
  CLI::App app{"dreamer_gate: capture baselines, compare runs, run gates"};
  app.require_subcommand(1);

  InputArgs capture_input;
  std::string capture_output;
  std::vector<std::string> capture_keys;
  double threshold_pct = kDefaultThresholdPct;
  double abs_tol = kDefaultAbsTol;
  auto* capture = app.add_subcommand("capture", "freeze a baseline (lower median per key over a window)");
  add_input_options(*capture, capture_input);
  capture->add_option("--keys", capture_keys, "keys to capture (default: the standard set)")->delimiter(',');
  capture->add_option("--threshold-pct", threshold_pct, "relative band half-width")->check(CLI::NonNegativeNumber);
  capture->add_option("--abs-tol", abs_tol, "absolute band half-width floor")->check(CLI::NonNegativeNumber);
  capture->add_option("--output", capture_output, "baseline JSON to write")->required();

  InputArgs compare_input;
  std::string baseline_path;
  std::string verdict_path;
  std::string gate_name = "compare";
  std::size_t max_nonfinite_run = CompareOptions{}.max_nonfinite_run;
  auto* compare = app.add_subcommand("compare", "compare a run with a baseline; exit 1 on FAIL/MISSING");
  compare->add_option("--baseline", baseline_path, "baseline JSON")->required()->check(CLI::ExistingFile);
  add_input_options(*compare, compare_input);
  compare->add_option("--verdict", verdict_path, "write verdict.json here");
  compare->add_option("--gate", gate_name, "gate name in the verdict");
  compare->add_option("--max-nonfinite-run", max_nonfinite_run, "allowed consecutive non-finite records of a loss key");

  std::string smoke_metrics;
  std::string smoke_verdict;
  std::string smoke_gate = "smoke";
  SmokeOptions smoke_options;
  std::optional<double> recon_within_updates;
  std::optional<double> replay_ratio_target;
  double replay_ratio_tolerance = 0.1;
  auto* smoke = app.add_subcommand("smoke", "apply the smoke rules to a run; exit 1 on FAIL/MISSING");
  smoke->add_option("--metrics", smoke_metrics, "metrics.jsonl of a run")->required()->check(CLI::ExistingFile);
  smoke->add_option("--warmup-updates", smoke_options.entropy.warmup_updates,
                    "entropy gap: only records with opt_steps >= W");
  smoke->add_option("--recon-within-updates", recon_within_updates, "recon improvement: only the first N updates");
  bool goal_task = false;
  GreedySuccessOptions greedy;
  smoke->add_flag("--goal-task", goal_task,
                  "also require the run's final greedy evaluation to succeed (greedy_success; MISSING without one)");
  smoke->add_option("--greedy-min-success", greedy.min_rate, "greedy_success: the least success rate")
      ->check(CLI::Range(0.0, 1.0))
      ->capture_default_str();
  smoke->add_option("--greedy-min-episodes", greedy.min_episodes, "greedy_success: the fewest evaluated episodes")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  smoke->add_option("--replay-ratio-target", replay_ratio_target, "also check replay_ratio against this target")
      ->check(CLI::PositiveNumber);
  smoke->add_option("--replay-ratio-tolerance", replay_ratio_tolerance, "relative tolerance of the replay ratio")
      ->check(CLI::NonNegativeNumber);
  smoke->add_option("--verdict", smoke_verdict, "write verdict.json here");
  smoke->add_option("--gate", smoke_gate, "gate name in the verdict");

  std::string run_gate_name;
  std::string run_output;
  std::string build_dir = DREAMER_BUILD_DIR;
  auto* run = app.add_subcommand("run", "run a gate's steps and write its verdict; exit 1 on FAIL/MISSING");
  run->add_option("gate", run_gate_name, "gate name (see `dreamer_gate list`)")->required();
  run->add_option("--output", run_output, "gate folder (default bench/gates/<gate>__<utc>)");
  run->add_option("--build-dir", build_dir, "build tree for the test steps");
  std::string test_label;
  std::string test_regex;
  std::string test_exclude;
  run->add_option("--test-label", test_label, "test steps run only the ctest tests with this label (ctest -L)");
  run->add_option("--test-regex", test_regex, "test steps run only the ctest tests matching this regex (ctest -R)");
  run->add_option("--test-exclude", test_exclude, "test steps skip the ctest tests matching this regex (ctest -E)");

  std::string plot_metrics;
  std::vector<std::string> plot_keys = default_plot_keys();
  std::string plot_output;
  auto* plot = app.add_subcommand("plot", "draw a run's metrics (one panel per key) into a PNG");
  plot->add_option("--metrics", plot_metrics, "metrics.jsonl of a run")->required()->check(CLI::ExistingFile);
  plot->add_option("--keys", plot_keys, "keys to plot (default: losses, KL, entropies, throughput)")->delimiter(',');
  plot->add_option("--output", plot_output, "PNG to write")->required();

  std::vector<std::string> curve_runs;
  std::string curves_title = "greedy success";
  std::string curves_png;
  std::string curves_json_path;
  auto* curves = app.add_subcommand(
      "curves", "draw the greedy-evaluation learning curves of several runs (e.g. seeds) and their IQM");
  curves->add_option("runs", curve_runs, "run directories (each with a metrics.jsonl of periodic evaluations)")
      ->required()
      ->check(CLI::ExistingDirectory);
  curves->add_option("--title", curves_title, "title of both panels")->capture_default_str();
  curves->add_option("--output", curves_png, "PNG to write")->required();
  curves->add_option("--json", curves_json_path, "JSON of the points and the IQM to write")->required();

  std::vector<std::string> identical_metrics;
  auto* identical = app.add_subcommand(
      "identical", "check that two runs' metrics agree bit for bit (wall-clock keys aside); exit 1 otherwise");
  identical->add_option("metrics", identical_metrics, "two metrics.jsonl files")
      ->required()
      ->expected(2)
      ->check(CLI::ExistingFile);

  auto* list = app.add_subcommand("list", "list the gates of this build");

  if (const auto status = dreamer::parse_command_line(app, argc, argv, "dreamer_gate")) return *status;

  if (capture->parsed()) {
    CaptureOptions options;
    if (const auto window = window_of(capture_input)) options.window = *window;
    options.keys = capture_keys;
    options.threshold_pct = threshold_pct;
    options.abs_tol = abs_tol;
    Baseline baseline = capture_baseline(load_input(capture_input), options);
    baseline.source_meta =
        capture_input.metrics.empty() ? nlohmann::ordered_json::object() : describe_run_source(capture_input.metrics);
    baseline.source_meta["capture_command"] = shell_command_line(std::vector<std::string>(argv, argv + argc));
    write_baseline(capture_output, baseline);
    std::cout << "baseline " << capture_output << ": " << baseline.metrics.size() << " keys from " << baseline.count
              << (baseline.count == 1 ? " record" : " records") << ", " << baseline.missing_keys.size() << " missing\n";
    return 0;
  }
  if (compare->parsed()) {
    CompareOptions options;
    options.window = window_of(compare_input);
    options.max_nonfinite_run = max_nonfinite_run;
    options.baseline_source = baseline_path;
    const Baseline baseline = read_baseline(baseline_path);
    return finish(make_verdict(gate_name, compare_to_baseline(baseline, load_input(compare_input), options)),
                  verdict_path);
  }
  if (smoke->parsed()) {
    smoke_options.recon.within_updates = recon_within_updates;
    if (goal_task) smoke_options.greedy = greedy;
    if (replay_ratio_target) {
      smoke_options.replay_ratio =
          ReplayRatioOptions{*replay_ratio_target, replay_ratio_tolerance, smoke_options.entropy.warmup_updates};
    }
    const MetricSource source = load_metrics_jsonl(smoke_metrics);
    return finish(make_verdict(smoke_gate, smoke_rules(source.records, smoke_options)), smoke_verdict);
  }
  if (plot->parsed()) {
    write_metrics_plot(plot_output, load_metrics_jsonl(plot_metrics).records, plot_keys);
    std::cout << "plot " << plot_output << ": " << plot_keys.size() << " panels\n";
    return 0;
  }
  if (curves->parsed()) {
    std::vector<RunCurve> runs;
    for (const std::string& dir : curve_runs) {
      std::filesystem::path run_dir = std::filesystem::path(dir).lexically_normal();
      if (run_dir.filename().empty()) run_dir = run_dir.parent_path();  // "runs/seed1/"
      runs.push_back(greedy_curve(load_metrics_jsonl(run_dir / "metrics.jsonl").records, run_dir.filename().string()));
    }
    write_png(curves_png, render_curves(runs, curves_title));
    write_file_atomic(curves_json_path, curves_json(runs).dump(2) + "\n");
    std::cout << "curves " << curves_png << ", " << curves_json_path << ": " << runs.size() << " runs\n";
    return 0;
  }
  if (identical->parsed()) {
    const std::vector<std::string> differences = run_differences(load_metrics_jsonl(identical_metrics[0]).records,
                                                                 load_metrics_jsonl(identical_metrics[1]).records);
    for (const std::string& difference : differences) std::cout << difference << "\n";
    std::cout << "runs " << (differences.empty() ? "identical" : "differ") << " ("
              << load_metrics_jsonl(identical_metrics[0]).records.size() << " records, wall-clock keys aside)\n";
    return differences.empty() ? 0 : 1;
  }
  if (list->parsed()) {
    for (const GateDefinition& gate : gate_definitions()) {
      std::cout << gate.name << ": " << gate.description << " (" << gate.steps.size() << " steps)\n";
    }
    return 0;
  }
  const GateDefinition* gate = find_gate(run_gate_name);
  if (gate == nullptr) throw Error("unknown gate '" + run_gate_name + "' (see `dreamer_gate list`)");
  if (gate->steps.empty()) throw Error("gate " + gate->name + " is not wired in this build");
  GateContext context;
  context.gate_dir = std::filesystem::absolute(run_output.empty() ? default_gate_dir(gate->name) : run_output);
  context.bin_dir = std::filesystem::canonical("/proc/self/exe").parent_path();
  context.build_dir = std::filesystem::absolute(build_dir);  // steps run in their own folders
  context.source_dir = DREAMER_SOURCE_DIR;
  if (!test_label.empty()) context.test_filter.insert(context.test_filter.end(), {"-L", test_label});
  if (!test_regex.empty()) context.test_filter.insert(context.test_filter.end(), {"-R", test_regex});
  if (!test_exclude.empty()) context.test_filter.insert(context.test_filter.end(), {"-E", test_exclude});
  const Verdict verdict = run_gate(*gate, context);
  return finish(verdict, (context.gate_dir / "verdict.json").string());
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run_main(argc, argv);
  } catch (const dreamer::Error& error) {
    std::cerr << "dreamer_gate: " << error.what() << "\n";
  } catch (const std::exception& error) {
    std::cerr << "dreamer_gate: " << error.what() << "\n";
  }
  return 2;
}
