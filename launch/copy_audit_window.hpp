#pragma once
// CopyAuditWindow: the GPU main gate's memcpy check on the real training
// loop. After `warmup_updates` updates (caches, cuBLAS workspaces and the
// replay are warm) it traces the next `updates` updates with CUPTI
// (common/gpu_audit/cuda_activity_trace.hpp), audits every host<->device copy against
// the allow-list (common/gpu_audit/copy_audit.hpp), and writes into the run folder:
//
//   copy_audit.json     the audit (docs/copy_audit.md); throws dreamer::Error
//                       naming the first offending copy when it fails
//   gpu_activity.json   the trace's kernels, synchronizations and GPU busy
//                       time, plus the same figures per update
//
// In builds without CUPTI the constructor throws (when asked for a window).
// Not thread-safe: the training thread calls it around each update.
#include <cstdint>
#include <filesystem>
#include <memory>

namespace dreamer {

struct CopyAuditOptions {
  std::int64_t updates = 0;  // 0: no window
  std::int64_t warmup_updates = 20;
  std::filesystem::path allow_list;
};

class CopyAuditWindow {
 public:
  CopyAuditWindow(const CopyAuditOptions& options, std::filesystem::path run_root);
  ~CopyAuditWindow();
  CopyAuditWindow(const CopyAuditWindow&) = delete;
  CopyAuditWindow& operator=(const CopyAuditWindow&) = delete;

  // `update` is the 1-based index of the update about to run / just run.
  void before_update(std::int64_t update);
  void after_update(std::int64_t update);
  // Whether update `update` (1-based) lies inside the traced window.
  bool covers(std::int64_t update) const {
    return options_.updates > 0 && update > options_.warmup_updates &&
           update <= options_.warmup_updates + options_.updates;
  }
  // Throws unless the window (when one was asked for) was traced and audited.
  void require_done() const;

 private:
  struct Trace;
  CopyAuditOptions options_;
  std::filesystem::path run_root_;
  std::unique_ptr<Trace> trace_;
  bool done_ = false;
};

}  // namespace dreamer
