#pragma once
// The learner's metric record for the gate: every UpdateMetrics key (one
// device-to-host read for all of them) plus counters and throughput.
#include <nlohmann/json.hpp>

#include <cstdint>

#include "learner/update_metrics.hpp"

namespace dreamer {

struct LearnerReportInputs {
  std::int64_t opt_steps = 0;
  double train_sps = 0.0;  // replayed steps per second
  double update_ms = 0.0;
  double allreduce_s = 0.0;
};

nlohmann::json learner_report(const learner::UpdateMetrics& metrics, const LearnerReportInputs& inputs);

}  // namespace dreamer
