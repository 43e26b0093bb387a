#pragma once
// The two drivers of a training run, over the same role workers
// (ActorWorker, replay service, LearnerWorker, MetricsAggregator) and the
// same per-update cadence (launch/update_cadence.hpp):
//
//   run_single_process  every role in one process (launch/in_process_roles.hpp):
//                       a CPU learner runs the serial schedule (one thread,
//                       fixed order, bit-identical reruns given the seed); a
//                       GPU learner the overlapped one (the actor on a thread
//                       of its own, both under the replay's rate limiter).
//   run_mpi_roles       one role per rank (launch/role_layout.hpp), talking
//                       over MPI messages (launch/role_messages.hpp).
//
// Both stop when the actors reach total_env_steps or the wall-time budget,
// when the periodic greedy evaluations reach their target (EvaluationPlan),
// or a stop signal arrives (launch/stop_signal.hpp); then learner 0
// checkpoints, the replay dumps its ring, the gate flushes metrics.jsonl, and
// the run's pictures are drawn (launch/run_artifacts.hpp). With `resume`,
// learner and replay state come back from the run directory first.
//
// Every learner runs its updates through an UpdateGuard
// (launch/update_guard.hpp): at the first non-finite or failed update it
// writes a failure bundle and throws, so the process exits non-zero with one
// error line.
#include <mpi.h>

#include <cstdint>
#include <string>

#include "common/run/run_directory.hpp"
#include "launch/copy_audit_window.hpp"
#include "launch/role_layout.hpp"
#include "launch/run_config.hpp"

namespace dreamer {

struct RunOutcome {
  std::int64_t env_steps = 0;
  std::int64_t opt_steps = 0;
  bool stopped_by_signal = false;
  bool reached_target = false;  // ended early by EvaluationPlan::stop_at_success
};

// The greedy evaluations of a goal run (launch/policy_evaluation.hpp): one
// every `every_updates` updates on the lead learner (a "periodic_eval"
// metrics record each), and the final one after training. The training loop
// ends early once `stop_after` periodic evaluations in a row reach
// `stop_at_success`. Standing-still runs make none.
struct EvaluationPlan {
  int episodes = 0;                // greedy episodes of every evaluation
  std::int64_t every_updates = 0;  // 0: only the final evaluation
  double stop_at_success = 0.0;    // 0: never end early
  int stop_after = 2;              // evaluations in a row at the target
};

// How this process was started: for repro.sh and failure bundles.
struct RunInvocation {
  bool resume = false;
  std::string command_line;  // shell-quoted argv, the executable as an absolute path
  std::string working_directory;
  // Test-only fault injection: the batch of this update (1-based) gets a NaN
  // reward, so the failure path can be tested end to end. 0: never.
  std::int64_t inject_nan_at_update = 0;
  // GPU gate: a CUPTI copy audit window over the training loop (one process
  // only; launch/copy_audit_window.hpp).
  CopyAuditOptions copy_audit;
  // Not part of config.json: a resumed run may evaluate differently.
  EvaluationPlan evaluation;
};

RunOutcome run_single_process(const RunConfig& config, const RunDirectory& run, const RunInvocation& invocation);
RunOutcome run_mpi_roles(const RunConfig& config, const RunDirectory& run, const RoleLayout& layout, int rank,
                         const RunInvocation& invocation);

}  // namespace dreamer
