#include "launch/learner_report.hpp"

#include "common/gpu_audit/declared_copy.hpp"

namespace dreamer {

nlohmann::json learner_report(const learner::UpdateMetrics& metrics, const LearnerReportInputs& inputs) {
  nlohmann::json report = {{"opt_steps", inputs.opt_steps},
                           {"train_sps", inputs.train_sps},
                           {"update_ms", inputs.update_ms},
                           {"allreduce_s", inputs.allreduce.seconds},
                           {"allreduce_bytes", inputs.allreduce.bytes},
                           {"allreduce_bus_gbps", inputs.allreduce.bus_bytes_per_second() / 1e9}};
  DeclaredCopy scope("log_metrics");  // one read per logging interval
  for (const auto& [name, value] : metrics.read()) report[name] = value;
  return report;
}

}  // namespace dreamer
