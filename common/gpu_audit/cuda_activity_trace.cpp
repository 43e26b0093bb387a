#include "common/gpu_audit/cuda_activity_trace.hpp"

#include <cuda_runtime_api.h>
#include <cupti.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <initializer_list>
#include <mutex>
#include <unordered_map>
#include <utility>

#include "common/call_error.hpp"
#include "common/cuda_check.hpp"
#include "common/error.hpp"
#include "common/gpu_audit/declared_copy.hpp"

#define DREAMER_CHECK_CUPTI(call)                                                 \
  do {                                                                            \
    const CUptiResult dreamer_cupti_rc_ = (call);                                 \
    if (dreamer_cupti_rc_ != CUPTI_SUCCESS)                                       \
      ::dreamer::throw_cupti_error(#call, dreamer_cupti_rc_, __FILE__, __LINE__); \
  } while (0)

namespace dreamer {
namespace {

[[noreturn]] void throw_cupti_error(const char* call, CUptiResult result, const char* file, int line) {
  const char* text = nullptr;
  if (cuptiGetResultString(result, &text) != CUPTI_SUCCESS || text == nullptr) text = "unknown CUPTI error";
  throw_call_error("CUPTI", call, std::string(text) + " (" + std::to_string(static_cast<int>(result)) + ")", file,
                   line);
}

// Activity records are 8-byte aligned inside CUPTI's buffers.
constexpr std::size_t kBufferAlignment = 8;

// API records are on so that scope pushes produce EXTERNAL_CORRELATION records
// (CUPTI emits them ahead of API records only) and so that copies and
// synchronizations can be named by the call that issued them.
std::vector<CUpti_ActivityKind> traced_kinds(const CudaActivityTraceOptions& options) {
  std::vector<CUpti_ActivityKind> kinds = {
      CUPTI_ACTIVITY_KIND_RUNTIME,         CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION,
      CUPTI_ACTIVITY_KIND_MEMCPY,          CUPTI_ACTIVITY_KIND_MEMCPY2,
      CUPTI_ACTIVITY_KIND_MEMSET,          CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL,
      CUPTI_ACTIVITY_KIND_SYNCHRONIZATION,
  };
  if (options.trace_driver_api) kinds.push_back(CUPTI_ACTIVITY_KIND_DRIVER);
  return kinds;
}

bool push_scope(std::uint64_t scope_id) {
  return cuptiActivityPushExternalCorrelationId(CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0, scope_id) == CUPTI_SUCCESS;
}

void pop_scope() {
  std::uint64_t last_id = 0;
  // Fails only when the stack is empty, which a balanced scope cannot cause.
  static_cast<void>(cuptiActivityPopExternalCorrelationId(CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0, &last_id));
}

constexpr CopyScopeHooks kCuptiScopeHooks{&push_scope, &pop_scope};

CopyDirection direction_of(std::uint8_t copy_kind) {
  switch (copy_kind) {
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOD:
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOA:
      return CopyDirection::kHostToDevice;
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOH:
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOH:
      return CopyDirection::kDeviceToHost;
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOD:
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOA:
    case CUPTI_ACTIVITY_MEMCPY_KIND_ATOD:
    case CUPTI_ACTIVITY_MEMCPY_KIND_DTOA:
      return CopyDirection::kDeviceToDevice;
    case CUPTI_ACTIVITY_MEMCPY_KIND_HTOH:
      return CopyDirection::kHostToHost;
    case CUPTI_ACTIVITY_MEMCPY_KIND_PTOP:
      return CopyDirection::kPeerToPeer;
    default:
      return CopyDirection::kUnknown;
  }
}

std::string synchronization_type_name(CUpti_ActivitySynchronizationType type) {
  switch (type) {
    case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_EVENT_SYNCHRONIZE:
      return "event_synchronize";
    case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_WAIT_EVENT:
      return "stream_wait_event";
    case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_STREAM_SYNCHRONIZE:
      return "stream_synchronize";
    case CUPTI_ACTIVITY_SYNCHRONIZATION_TYPE_CONTEXT_SYNCHRONIZE:
      return "context_synchronize";
    default:
      return "unknown";
  }
}

// "cudaMemcpyAsync_v3020" -> "cudaMemcpyAsync"; empty when CUPTI has no name.
std::string callback_name(CUpti_CallbackDomain domain, std::uint32_t cbid) {
  const char* name = nullptr;
  if (cuptiGetCallbackName(domain, cbid, &name) != CUPTI_SUCCESS || name == nullptr) return {};
  std::string text(name);
  const std::size_t version = text.rfind("_v");
  if (version != std::string::npos && version + 2 < text.size() &&
      std::all_of(text.begin() + static_cast<std::ptrdiff_t>(version) + 2, text.end(),
                  [](char c) { return c >= '0' && c <= '9'; }))
    text.erase(version);
  return text;
}

struct Interval {
  std::uint64_t start;
  std::uint64_t end;
};

std::uint64_t union_length(std::vector<Interval> intervals) {
  std::sort(intervals.begin(), intervals.end(), [](const Interval& a, const Interval& b) { return a.start < b.start; });
  std::uint64_t total = 0;
  std::uint64_t covered_until = 0;
  for (const Interval& interval : intervals) {
    const std::uint64_t from = std::max(interval.start, covered_until);
    if (interval.end > from) {
      total += interval.end - from;
      covered_until = interval.end;
    }
  }
  return total;
}

}  // namespace

// Raw records of one trace, filled by CUPTI's buffer-complete callback (on a
// CUPTI thread, or on the thread in cuptiActivityFlushAll) and read by stop()
// once the collector is detached.
struct CudaActivityTrace::Collector {
  struct Copy {
    CopyRecord record;
    std::uint32_t runtime_correlation_id = 0;  // 0 for peer copies
  };
  struct Synchronization {
    CUpti_ActivitySynchronizationType type;
    std::uint64_t start_ns;
    std::uint32_t correlation_id;
  };

  std::vector<Copy> copies;
  std::vector<Interval> kernels;
  std::vector<Interval> other_operations;  // copies and memsets
  std::vector<Synchronization> synchronizations;
  std::unordered_map<std::uint32_t, std::uint64_t> scope_of_call;  // correlation id -> scope id
  std::unordered_map<std::uint32_t, std::uint32_t> runtime_call;   // correlation id -> runtime cbid
  std::unordered_map<std::uint32_t, std::uint32_t> driver_call;    // correlation id -> driver cbid
  std::uint64_t memset_count = 0;
  std::uint64_t memset_bytes = 0;
  std::uint64_t kernel_count = 0;
  std::uint64_t kernel_time_ns = 0;
  std::uint64_t lost_records = 0;
  std::uint64_t start_ns = 0;

  // Guards `active` and the collector it points to.
  static inline std::mutex mutex;
  static inline Collector* active = nullptr;
  static inline std::atomic<std::size_t> buffer_bytes{std::size_t{8} << 20};

  static void CUPTIAPI request_buffer(std::uint8_t** buffer, std::size_t* size, std::size_t* max_records) {
    *size = buffer_bytes.load();
    // A null buffer makes CUPTI drop records; they show up as dropped.
    *buffer = static_cast<std::uint8_t*>(std::aligned_alloc(kBufferAlignment, *size));
    *max_records = 0;
  }

  static void CUPTIAPI complete_buffer(CUcontext context, std::uint32_t stream_id, std::uint8_t* buffer,
                                       std::size_t /*size*/, std::size_t valid_size) {
    {
      const std::lock_guard lock(mutex);
      CUpti_Activity* record = nullptr;
      for (;;) {
        const CUptiResult status = cuptiActivityGetNextRecord(buffer, valid_size, &record);
        if (status == CUPTI_SUCCESS) {
          if (active != nullptr) active->add(*record);
          continue;
        }
        // INVALID_KIND: an incomplete record ends what can be read here.
        if (status != CUPTI_ERROR_MAX_LIMIT_REACHED && active != nullptr) ++active->lost_records;
        break;
      }
      std::size_t dropped = 0;
      if (cuptiActivityGetNumDroppedRecords(context, stream_id, &dropped) == CUPTI_SUCCESS && active != nullptr)
        active->lost_records += dropped;
    }
    std::free(buffer);
  }

  void add(const CUpti_Activity& record) {
    switch (record.kind) {
      case CUPTI_ACTIVITY_KIND_MEMCPY: {
        const auto& memcpy = reinterpret_cast<const CUpti_ActivityMemcpy6&>(record);
        Copy copy;
        copy.record.direction = direction_of(memcpy.copyKind);
        copy.record.bytes = memcpy.bytes;
        copy.record.start_ns = memcpy.start;
        copy.record.end_ns = memcpy.end;
        copy.record.stream_id = memcpy.streamId;
        copy.record.correlation_id = memcpy.correlationId;
        const std::uint8_t host_kind =
            copy.record.direction == CopyDirection::kDeviceToHost ? memcpy.dstKind : memcpy.srcKind;
        copy.record.host_pageable = host_kind == CUPTI_ACTIVITY_MEMORY_KIND_PAGEABLE;
        copy.runtime_correlation_id = memcpy.runtimeCorrelationId;
        copies.push_back(std::move(copy));
        other_operations.push_back({memcpy.start, memcpy.end});
        break;
      }
      case CUPTI_ACTIVITY_KIND_MEMCPY2: {
        const auto& peer = reinterpret_cast<const CUpti_ActivityMemcpyPtoP4&>(record);
        Copy copy;
        copy.record.direction = CopyDirection::kPeerToPeer;
        copy.record.bytes = peer.bytes;
        copy.record.start_ns = peer.start;
        copy.record.end_ns = peer.end;
        copy.record.stream_id = peer.streamId;
        copy.record.correlation_id = peer.correlationId;
        copies.push_back(std::move(copy));
        other_operations.push_back({peer.start, peer.end});
        break;
      }
      case CUPTI_ACTIVITY_KIND_MEMSET: {
        const auto& memset = reinterpret_cast<const CUpti_ActivityMemset4&>(record);
        ++memset_count;
        memset_bytes += memset.bytes;
        other_operations.push_back({memset.start, memset.end});
        break;
      }
      case CUPTI_ACTIVITY_KIND_CONCURRENT_KERNEL: {
        const auto& kernel = reinterpret_cast<const CUpti_ActivityKernel10&>(record);
        ++kernel_count;
        if (kernel.end > kernel.start) kernel_time_ns += kernel.end - kernel.start;
        kernels.push_back({kernel.start, kernel.end});
        break;
      }
      case CUPTI_ACTIVITY_KIND_SYNCHRONIZATION: {
        const auto& sync = reinterpret_cast<const CUpti_ActivitySynchronization2&>(record);
        synchronizations.push_back({sync.type, sync.start, sync.correlationId});
        break;
      }
      case CUPTI_ACTIVITY_KIND_EXTERNAL_CORRELATION: {
        const auto& external = reinterpret_cast<const CUpti_ActivityExternalCorrelation&>(record);
        if (external.externalKind == CUPTI_EXTERNAL_CORRELATION_KIND_CUSTOM0)
          scope_of_call[external.correlationId] = external.externalId;
        break;
      }
      case CUPTI_ACTIVITY_KIND_RUNTIME: {
        const auto& api = reinterpret_cast<const CUpti_ActivityAPI&>(record);
        runtime_call[api.correlationId] = api.cbid;
        break;
      }
      case CUPTI_ACTIVITY_KIND_DRIVER: {
        const auto& api = reinterpret_cast<const CUpti_ActivityAPI&>(record);
        driver_call[api.correlationId] = api.cbid;
        break;
      }
      default:
        break;
    }
  }

  // The runtime call with this correlation id, else the driver call; empty if neither was recorded.
  std::string api_call(std::uint32_t correlation_id) const {
    if (const auto it = runtime_call.find(correlation_id); it != runtime_call.end())
      return callback_name(CUPTI_CB_DOMAIN_RUNTIME_API, it->second);
    if (const auto it = driver_call.find(correlation_id); it != driver_call.end())
      return callback_name(CUPTI_CB_DOMAIN_DRIVER_API, it->second);
    return {};
  }

  // The scope of the call with either correlation id of a copy (CUPTI gives
  // a copy the driver call's id and the runtime call's id); 0 if none.
  std::uint64_t scope_of(std::uint32_t correlation_id, std::uint32_t runtime_correlation_id) const {
    for (const std::uint32_t id : {correlation_id, runtime_correlation_id}) {
      if (id == 0) continue;
      if (const auto it = scope_of_call.find(id); it != scope_of_call.end()) return it->second;
    }
    return 0;
  }

  ActivitySummary summarize(std::uint64_t stop_ns) const {
    ActivitySummary summary;
    summary.trace_start_ns = start_ns;
    summary.trace_stop_ns = stop_ns;
    for (const Copy& copy : copies) {
      CopyRecord record = copy.record;
      record.scope_id = scope_of(record.correlation_id, copy.runtime_correlation_id);
      record.scope = copy_scope_name(record.scope_id);
      record.api_call = api_call(copy.runtime_correlation_id);
      if (record.api_call.empty()) record.api_call = api_call(record.correlation_id);
      summary.copies.push_back(std::move(record));
    }
    std::stable_sort(summary.copies.begin(), summary.copies.end(),
                     [](const CopyRecord& a, const CopyRecord& b) { return a.start_ns < b.start_ns; });
    summary.memset_count = memset_count;
    summary.memset_bytes = memset_bytes;
    summary.kernel_count = kernel_count;
    summary.kernel_time_ns = kernel_time_ns;
    std::vector<Interval> timed_kernels;
    for (const Interval& kernel : kernels)
      if (kernel.end > kernel.start) timed_kernels.push_back(kernel);
    std::vector<Interval> timed_operations = timed_kernels;
    for (const Interval& operation : other_operations)
      if (operation.end > operation.start) timed_operations.push_back(operation);
    summary.kernel_busy_ns = union_length(timed_kernels);
    summary.gpu_busy_ns = union_length(timed_operations);
    for (const Interval& operation : timed_operations) {
      if (summary.first_gpu_start_ns == 0 || operation.start < summary.first_gpu_start_ns)
        summary.first_gpu_start_ns = operation.start;
      summary.last_gpu_end_ns = std::max(summary.last_gpu_end_ns, operation.end);
    }
    for (const Synchronization& sync : synchronizations) {
      if (sync.start_ns >= stop_ns) continue;  // stop()'s own device synchronize
      const std::string call = api_call(sync.correlation_id);
      std::string type = synchronization_type_name(sync.type);
      if (call.find("EventQuery") != std::string::npos) type = "event_query";
      if (call.find("StreamQuery") != std::string::npos) type = "stream_query";
      ++summary.synchronizations[type];
      ++summary.synchronization_calls[call.empty() ? "unknown" : call];
    }
    summary.lost_records = lost_records;
    return summary;
  }
};

std::uint64_t ActivitySummary::synchronization_count() const {
  std::uint64_t count = 0;
  for (const auto& [type, calls] : synchronizations)
    if (type != "event_query" && type != "stream_query") count += calls;
  return count;
}

nlohmann::json ActivitySummary::to_json() const {
  nlohmann::json copies_by_direction = nlohmann::json::object();
  for (const CopyRecord& copy : copies) {
    nlohmann::json& totals = copies_by_direction[std::string(copy_direction_name(copy.direction))];
    if (totals.is_null()) totals = {{"count", std::uint64_t{0}}, {"bytes", std::uint64_t{0}}};
    totals["count"] = totals["count"].get<std::uint64_t>() + 1;
    totals["bytes"] = totals["bytes"].get<std::uint64_t>() + copy.bytes;
  }
  return {{"copies", copies_by_direction},
          {"memset_count", memset_count},
          {"memset_bytes", memset_bytes},
          {"kernel_count", kernel_count},
          {"kernel_time_ns", kernel_time_ns},
          {"kernel_busy_ns", kernel_busy_ns},
          {"gpu_busy_ns", gpu_busy_ns},
          {"gpu_window_ns", last_gpu_end_ns - first_gpu_start_ns},
          {"trace_window_ns", trace_stop_ns - trace_start_ns},
          {"synchronizations", synchronizations},
          {"synchronization_calls", synchronization_calls},
          {"synchronization_count", synchronization_count()},
          {"lost_records", lost_records}};
}

CudaActivityTrace::CudaActivityTrace(CudaActivityTraceOptions options) : options_(options) {
  if (options_.buffer_bytes < 1024 || options_.buffer_bytes % kBufferAlignment != 0)
    throw ConfigError("buffer_bytes", "must be a multiple of 8 and at least 1024");
}

CudaActivityTrace::~CudaActivityTrace() {
  if (!running_) return;
  set_copy_scope_hooks(nullptr);
  static_cast<void>(cudaDeviceSynchronize());
  for (const CUpti_ActivityKind kind : traced_kinds(options_)) static_cast<void>(cuptiActivityDisable(kind));
  static_cast<void>(cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED));
  const std::lock_guard lock(Collector::mutex);
  Collector::active = nullptr;
}

void CudaActivityTrace::start() {
  DREAMER_ASSERT(!running_, "CudaActivityTrace::start on a running trace");
  {
    const std::lock_guard lock(Collector::mutex);
    if (Collector::active != nullptr) throw Error("CudaActivityTrace::start: another trace is running in this process");
  }
  DREAMER_CHECK_CUDA(cudaDeviceSynchronize());
  collector_ = std::make_unique<Collector>();
  Collector::buffer_bytes.store(options_.buffer_bytes);
  {
    const std::lock_guard lock(Collector::mutex);
    if (Collector::active != nullptr) throw Error("CudaActivityTrace::start: another trace is running in this process");
    Collector::active = collector_.get();
  }
  const std::vector<CUpti_ActivityKind> kinds = traced_kinds(options_);
  try {
    DREAMER_CHECK_CUPTI(cuptiActivityRegisterCallbacks(&Collector::request_buffer, &Collector::complete_buffer));
    for (const CUpti_ActivityKind kind : kinds) DREAMER_CHECK_CUPTI(cuptiActivityEnable(kind));
    DREAMER_CHECK_CUPTI(cuptiGetTimestamp(&collector_->start_ns));
  } catch (...) {
    for (const CUpti_ActivityKind kind : kinds) static_cast<void>(cuptiActivityDisable(kind));
    const std::lock_guard lock(Collector::mutex);
    Collector::active = nullptr;
    throw;
  }
  set_copy_scope_hooks(&kCuptiScopeHooks);
  running_ = true;
}

ActivitySummary CudaActivityTrace::stop() {
  DREAMER_ASSERT(running_, "CudaActivityTrace::stop without start");
  set_copy_scope_hooks(nullptr);
  std::uint64_t stop_ns = 0;
  const CUptiResult timestamp = cuptiGetTimestamp(&stop_ns);
  // Every record must be complete before the forced flush hands it over.
  const cudaError_t synchronized = cudaDeviceSynchronize();
  CUptiResult disabled = CUPTI_SUCCESS;
  for (const CUpti_ActivityKind kind : traced_kinds(options_)) {
    const CUptiResult result = cuptiActivityDisable(kind);
    if (disabled == CUPTI_SUCCESS) disabled = result;
  }
  const CUptiResult flushed = cuptiActivityFlushAll(CUPTI_ACTIVITY_FLAG_FLUSH_FORCED);
  {
    const std::lock_guard lock(Collector::mutex);
    Collector::active = nullptr;
  }
  running_ = false;
  DREAMER_CHECK_CUPTI(timestamp);
  DREAMER_CHECK_CUDA(synchronized);
  DREAMER_CHECK_CUPTI(disabled);
  DREAMER_CHECK_CUPTI(flushed);
  ActivitySummary summary = collector_->summarize(stop_ns);
  collector_.reset();
  return summary;
}

}  // namespace dreamer
