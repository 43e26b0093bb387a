#pragma once
// The gate matrix (DESIGN.md §8) as data: a gate is a list of steps, each an
// external command (a test suite, a training run) plus the rules applied to
// the metrics.jsonl it writes and, optionally, a frozen baseline to compare
// against. `dreamer_gate run <gate>` executes the steps in order and writes
// one verdict over all of their rules.
//
//   gate_dir/                 (--output, default bench/gates/<gate>__<utc>)
//     <step>/                 working directory of the step's command
//       log.txt               its stdout + stderr
//     verdict.json
//
// Placeholders in commands and paths: {gate_dir}, {step_dir}, {bin_dir}
// (folder of dreamer_gate), {build_dir}, {source_dir}. A command word that is
// exactly {test_filter} becomes the context's test_filter words (none by
// default), so that `dreamer_gate run --test-label L` narrows a ctest step.
// In a metrics path, a folder name with '*' picks the newest (greatest)
// match, for run directories named <utc>__dreamer_v3__<rom>__<tag>.
//
// A test step also yields a "tests_counted" rule (GateStep::min_tests).
// Every step yields a "step_runs" rule: PASS on exit status 0, FAIL
// otherwise, MISSING when its executable is not built. A step whose command
// fails or is missing contributes no further rules; its metrics rules then
// appear as one MISSING entry, so a gate never passes on work it skipped.
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gates/rules.hpp"
#include "gates/verdict.hpp"

namespace dreamer::gates {

inline constexpr const char* kTestFilterWord = "{test_filter}";

struct GateContext {
  std::filesystem::path gate_dir;
  std::filesystem::path bin_dir;
  std::filesystem::path build_dir;
  std::filesystem::path source_dir;
  std::vector<std::string> test_filter;  // extra ctest words, e.g. {"-L", "gates"}; empty: every test
};

struct GateStep {
  std::string name;                  // also the step folder name
  std::vector<std::string> command;  // argv with placeholders; argv[0] searched in PATH unless it has a '/'
  std::string metrics;               // metrics.jsonl the command writes; empty: exit status only
  std::string baseline;              // baseline JSON to compare the metrics with; empty: none
  std::function<std::vector<RuleResult>(const MetricRecords&)> rules;  // may be empty
  // A ctest step: the fewest tests its log must report ("... out of N"), so
  // that a build without tests or with a suite gone cannot pass. 0: not a
  // test step. Under a --test-label filter at least one test must run.
  int min_tests = 0;
};

struct GateDefinition {
  std::string name;
  std::string description;
  std::vector<GateStep> steps;
};

std::span<const GateDefinition> gate_definitions();
// nullptr when no gate has that name.
const GateDefinition* find_gate(std::string_view name);

std::string expand_placeholders(const std::string& text, const GateContext& context,
                                const std::filesystem::path& step_dir);
// A step's argv with placeholders expanded and {test_filter} spliced in.
std::vector<std::string> expand_command(const std::vector<std::string>& command, const GateContext& context,
                                        const std::filesystem::path& step_dir);

// `pattern` may hold '*' in folder names (not in the file name); returns the
// greatest match, or the pattern itself when it has no '*'; empty when
// nothing matches.
std::filesystem::path resolve_newest(const std::filesystem::path& pattern);

// The number of tests a ctest log reports ("100% tests passed, 0 tests
// failed out of 412"); nullopt when the log has no such line.
std::optional<int> ctest_test_count(const std::string& log);

// Runs every step; throws dreamer::Error only when the gate folder cannot be
// created (a failing step is a FAIL rule, not an exception).
Verdict run_gate(const GateDefinition& gate, const GateContext& context);

}  // namespace dreamer::gates
