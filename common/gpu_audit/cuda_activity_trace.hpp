#pragma once
// CudaActivityTrace: what the GPU did between start() and stop(), from the
// CUPTI Activity API: every memory copy (direction, bytes, GPU start/end,
// stream, DeclaredCopy scope), memsets, kernels (count, summed and busy
// time) and synchronization calls (count by type). The copy audit
// (common/gpu_audit/copy_audit.hpp) checks the copies; the rest feeds GPU-busy figures.
//
//   CudaActivityTrace trace;
//   trace.start();                              // synchronizes the device first
//   for (int i = 0; i < N; ++i) train_step();   // DeclaredCopy scopes inside
//   const ActivitySummary activity = trace.stop();
//
// How copies find their scope: CUPTI tags each CUDA runtime (and driver) API
// call made inside a DeclaredCopy scope with an EXTERNAL_CORRELATION record
// {external id = scope id, correlation id of the call}; a copy's MEMCPY record
// carries the correlation id of the call that issued it. stop() joins the two.
//
// Cost while running: one activity record per CUDA API call (needed for the
// scope tags) and per GPU operation; kernels are traced as
// CONCURRENT_KERNEL, which does not serialize them. Nothing is traced while
// stopped. Meant for audit windows of a few iterations, not for whole runs.
//
// Only in builds with CUDA (target dreamer_cuda_trace, which links CUPTI);
// this header itself has no CUDA or CUPTI types.
//
// Thread-safety: one trace may run per process at a time (CUPTI's activity
// buffers are process-wide); start() and stop() belong to one thread. Work on
// any thread of the process is recorded.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/gpu_audit/copy_record.hpp"

namespace dreamer {

struct CudaActivityTraceOptions {
  // Also record driver API calls, so that copies a library issues through
  // the driver API directly (cuMemcpy*) inside a scope are tagged too. Costs
  // one more record per driver call.
  bool trace_driver_api = true;
  // Size of each host buffer handed to CUPTI; CUPTI asks for more as they fill.
  std::size_t buffer_bytes = std::size_t{8} << 20;
};

struct ActivitySummary {
  // Every MEMCPY and MEMCPY2 (peer) record, in GPU start order.
  std::vector<CopyRecord> copies;
  std::uint64_t memset_count = 0;
  std::uint64_t memset_bytes = 0;
  std::uint64_t kernel_count = 0;
  std::uint64_t kernel_time_ns = 0;  // sum of kernel durations
  std::uint64_t kernel_busy_ns = 0;  // union of kernel intervals: overlap counted once
  std::uint64_t gpu_busy_ns = 0;     // union of kernel, copy and memset intervals
  // First start and last end of any GPU operation (CUPTI clock, ns); 0 without any.
  std::uint64_t first_gpu_start_ns = 0;
  std::uint64_t last_gpu_end_ns = 0;
  // Host CUPTI timestamps taken in start() (after its device synchronize) and
  // at the top of stop().
  std::uint64_t trace_start_ns = 0;
  std::uint64_t trace_stop_ns = 0;
  // CUPTI synchronization records by type: "event_synchronize",
  // "stream_wait_event", "stream_synchronize", "context_synchronize",
  // "unknown", plus "event_query" and "stream_query" for the non-blocking
  // cudaEventQuery/cudaStreamQuery calls CUPTI reports alongside (LibTorch's
  // caching allocator makes many). stop()'s own device synchronize is not
  // counted.
  std::map<std::string, std::uint64_t> synchronizations;
  // The same records by the API call that made them ("cudaStreamSynchronize").
  std::map<std::string, std::uint64_t> synchronization_calls;
  // Records CUPTI dropped (no buffer) or left incomplete. Anything but 0
  // means the summary may miss operations; audit_copies fails on it.
  std::uint64_t lost_records = 0;

  // Blocking synchronizations: every type but the two queries.
  std::uint64_t synchronization_count() const;
  // Everything but the per-copy list: copy counts and bytes per direction instead.
  nlohmann::json to_json() const;
};

class CudaActivityTrace {
 public:
  explicit CudaActivityTrace(CudaActivityTraceOptions options = {});
  // Stops a running trace and drops its records.
  ~CudaActivityTrace();
  CudaActivityTrace(const CudaActivityTrace&) = delete;
  CudaActivityTrace& operator=(const CudaActivityTrace&) = delete;

  // Synchronizes the current device (so that earlier work stays out of the
  // window), then enables tracing and DeclaredCopy scopes. Throws
  // dreamer::Error when another trace runs or a CUDA/CUPTI call fails.
  void start();
  // Synchronizes the current device (blocks until all queued GPU work is
  // done), disables tracing, flushes CUPTI's buffers and returns the summary.
  // Must follow start().
  ActivitySummary stop();
  bool running() const { return running_; }

 private:
  struct Collector;
  CudaActivityTraceOptions options_;
  bool running_ = false;
  std::unique_ptr<Collector> collector_;
};

}  // namespace dreamer
