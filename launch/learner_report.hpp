#pragma once
// The learner's metric record for the gate: every UpdateMetrics key (one
// device-to-host read for all of them) plus counters and throughput, and the
// last update's all-reduce: allreduce_s (time in the collective),
// allreduce_bytes (one rank's payload) and allreduce_bus_gbps (nccl-tests'
// bus bandwidth, 1e9 bytes/s; 0 with one learner).
#include <nlohmann/json.hpp>

#include <cstdint>

#include "learner/gradient_allreduce.hpp"
#include "learner/update_metrics.hpp"

namespace dreamer {

struct LearnerReportInputs {
  std::int64_t opt_steps = 0;
  double train_sps = 0.0;  // replayed steps per second
  double update_ms = 0.0;
  learner::AllReduceStats allreduce;  // the last update's gradient all-reduces
};

nlohmann::json learner_report(const learner::UpdateMetrics& metrics, const LearnerReportInputs& inputs);

}  // namespace dreamer
