#include "launch/copy_audit_window.hpp"

#include <cstdio>
#include <string>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/gpu_audit/copy_audit.hpp"
#if defined(DREAMER_HAS_CUPTI)
#include "common/gpu_audit/cuda_activity_trace.hpp"
#endif

namespace dreamer {

#if defined(DREAMER_HAS_CUPTI)
struct CopyAuditWindow::Trace {
  explicit Trace(const std::filesystem::path& allow_list_path) : allow_list(CopyAllowList::load(allow_list_path)) {}
  CopyAllowList allow_list;
  CudaActivityTrace trace;
};
#else
struct CopyAuditWindow::Trace {};
#endif

CopyAuditWindow::CopyAuditWindow(const CopyAuditOptions& options, std::filesystem::path run_root)
    : options_(options), run_root_(std::move(run_root)) {
  if (options_.updates <= 0) return;
  if (options_.warmup_updates < 0) throw ConfigError("copy_audit.warmup_updates", "must be >= 0");
#if defined(DREAMER_HAS_CUPTI)
  if (options_.allow_list.empty()) throw ConfigError("copy_allow_list", "--copy-audit needs --copy-allow-list");
  trace_ = std::make_unique<Trace>(options_.allow_list);
#else
  throw Error("--copy-audit needs a build with CUDA and CUPTI (dreamer_cuda_trace)");
#endif
}

CopyAuditWindow::~CopyAuditWindow() = default;

void CopyAuditWindow::before_update(std::int64_t update) {
#if defined(DREAMER_HAS_CUPTI)
  if (trace_ && update == options_.warmup_updates + 1) trace_->trace.start();
#else
  (void)update;
#endif
}

void CopyAuditWindow::after_update(std::int64_t update) {
#if defined(DREAMER_HAS_CUPTI)
  if (!trace_ || update != options_.warmup_updates + options_.updates) return;
  const ActivitySummary activity = trace_->trace.stop();
  const auto iterations = static_cast<std::uint64_t>(options_.updates);
  const CopyAuditResult audit = audit_copies(activity.copies, iterations, trace_->allow_list, activity.lost_records);
  write_copy_audit_json(audit, (run_root_ / "copy_audit.json").string());
  nlohmann::json summary = activity.to_json();
  const double per_update = 1.0 / static_cast<double>(options_.updates);
  summary["updates"] = options_.updates;
  summary["per_update"] = {
      {"kernels", static_cast<double>(activity.kernel_count) * per_update},
      {"synchronizations", static_cast<double>(activity.synchronization_count()) * per_update},
      {"kernel_busy_ms", static_cast<double>(activity.kernel_busy_ns) * 1e-6 * per_update},
      {"gpu_busy_ms", static_cast<double>(activity.gpu_busy_ns) * 1e-6 * per_update},
      {"wall_ms", static_cast<double>(activity.trace_stop_ns - activity.trace_start_ns) * 1e-6 * per_update}};
  write_file_atomic(run_root_ / "gpu_activity.json", summary.dump(2) + "\n");
  std::printf("%s\n", copy_audit_summary(audit).c_str());
  std::fflush(stdout);
  done_ = true;
  if (!audit.passed)
    throw Error(copy_audit_summary(audit) + " (details in " + (run_root_ / "copy_audit.json").string() + ")");
#else
  (void)update;
#endif
}

void CopyAuditWindow::require_done() const {
  if (options_.updates > 0 && !done_)
    throw Error("the run ended before its copy audit window (updates " + std::to_string(options_.warmup_updates + 1) +
                ".." + std::to_string(options_.warmup_updates + options_.updates) + ") was traced");
}

}  // namespace dreamer
