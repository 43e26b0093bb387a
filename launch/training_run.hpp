#pragma once
// The two drivers of a training run, over the same role workers
// (ActorWorker, ReplayService, LearnerWorker, MetricsAggregator):
//
//   run_single_process  one process plays every role in a fixed order
//                       (collect a chunk -> insert -> as many updates as the
//                       rate limiter allows -> reports), so a CPU run is
//                       deterministic given its seed.
//   run_mpi_roles       one role per rank (launch/role_layout.hpp), talking
//                       over MPI messages (launch/role_messages.hpp).
//
// Both stop when the actors reach total_env_steps or a stop signal arrives
// (launch/stop_signal.hpp); then learner 0 checkpoints, the replay dumps its
// ring, and the gate flushes metrics.jsonl. With `resume`, learner and replay
// state come back from the run directory first.
#include <mpi.h>

#include "common/run_directory.hpp"
#include "launch/role_layout.hpp"
#include "launch/run_config.hpp"

namespace dreamer {

struct RunOutcome {
  std::int64_t env_steps = 0;
  std::int64_t opt_steps = 0;
  bool stopped_by_signal = false;
};

RunOutcome run_single_process(const RunConfig& config, const RunDirectory& run, bool resume);
RunOutcome run_mpi_roles(const RunConfig& config, const RunDirectory& run, const RoleLayout& layout, int rank,
                         bool resume);

}  // namespace dreamer
