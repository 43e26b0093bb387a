// CudaActivityTrace and the copy audit on a real GPU: a pretend steady-state
// loop (declared upload, memset, kernel, device-to-device copy) passes the
// audit; the same loop with one stray copy fails it with that copy named.
// Every test skips, saying so, where the CUDA runtime sees no device.
#include "common/gpu_audit/cuda_activity_trace.hpp"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "add_one_kernel.hpp"
#include "common/cuda_check.hpp"
#include "common/error.hpp"
#include "common/gpu_audit/copy_audit.hpp"
#include "common/gpu_audit/declared_copy.hpp"
#include "sole_offender.hpp"

namespace dreamer {
namespace {

bool have_gpu() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

#define SKIP_WITHOUT_GPU() \
  if (!have_gpu()) GTEST_SKIP() << "no CUDA device visible (cudaGetDeviceCount reports 0)"

std::uint64_t count_of(const std::map<std::string, std::uint64_t>& counts, const std::string& key) {
  const auto it = counts.find(key);
  return it == counts.end() ? 0 : it->second;
}

constexpr int kIterations = 8;
constexpr int kFloats = 1024;
constexpr std::size_t kBytes = kFloats * sizeof(float);  // 4096
constexpr const char* kUploadScope = "test_chunk_upload";

// Device and pinned host buffers and a stream for the pretend training loop.
class LoopBuffers {
 public:
  LoopBuffers() {
    DREAMER_CHECK_CUDA(cudaStreamCreateWithFlags(&stream_, cudaStreamNonBlocking));
    DREAMER_CHECK_CUDA(cudaMalloc(reinterpret_cast<void**>(&device_), kBytes));
    DREAMER_CHECK_CUDA(cudaMalloc(reinterpret_cast<void**>(&device_copy_), kBytes));
    DREAMER_CHECK_CUDA(cudaMallocHost(reinterpret_cast<void**>(&pinned_), kBytes));
    for (int i = 0; i < kFloats; ++i) pinned_[i] = static_cast<float>(i);
  }
  ~LoopBuffers() {
    cudaStreamSynchronize(stream_);
    cudaFreeHost(pinned_);
    cudaFree(device_copy_);
    cudaFree(device_);
    cudaStreamDestroy(stream_);
  }
  LoopBuffers(const LoopBuffers&) = delete;
  LoopBuffers& operator=(const LoopBuffers&) = delete;

  // One step: a declared HtoD upload of kBytes, a memset, a kernel and a DtoD copy.
  void steady_state_iteration() {
    {
      DeclaredCopy scope(kUploadScope);
      DREAMER_CHECK_CUDA(cudaMemcpyAsync(device_, pinned_, kBytes, cudaMemcpyHostToDevice, stream_));
    }
    DREAMER_CHECK_CUDA(cudaMemsetAsync(device_copy_, 0, kBytes, stream_));
    testing::launch_add_one(device_, kFloats, stream_);
    DREAMER_CHECK_CUDA(cudaMemcpyAsync(device_copy_, device_, kBytes, cudaMemcpyDeviceToDevice, stream_));
  }

  // A read-back nobody declared: 4 bytes into pageable memory, blocking.
  float stray_read_back() {
    float value = 0.0f;
    DREAMER_CHECK_CUDA(cudaMemcpy(&value, device_, sizeof(value), cudaMemcpyDeviceToHost));
    return value;
  }

  cudaStream_t stream() const { return stream_; }
  float* device() const { return device_; }

 private:
  cudaStream_t stream_ = nullptr;
  float* device_ = nullptr;
  float* device_copy_ = nullptr;
  float* pinned_ = nullptr;
};

CopyAllowList upload_allow_list() {
  CopyAllowList list;
  list.entries.push_back({kUploadScope, 1, kBytes, {CopyDirection::kHostToDevice}});
  return list;
}

// Traces kIterations steps; `stray_at` >= 0 adds a stray read-back in that step.
ActivitySummary trace_loop(LoopBuffers& buffers, int stray_at) {
  CudaActivityTrace trace;
  trace.start();
  for (int i = 0; i < kIterations; ++i) {
    buffers.steady_state_iteration();
    if (i == stray_at) buffers.stray_read_back();
  }
  return trace.stop();
}

// Pure host code: runs wherever the trace library is built.
TEST(ActivitySummary, JsonTotalsTheCopiesOfEachDirection) {
  ActivitySummary summary;
  CopyRecord upload;
  upload.direction = CopyDirection::kHostToDevice;
  upload.bytes = 100;
  CopyRecord download;
  download.direction = CopyDirection::kDeviceToHost;
  download.bytes = 8;
  summary.copies = {upload, upload, download};
  const nlohmann::json json = summary.to_json();
  EXPECT_EQ(json["copies"]["HtoD"]["count"], 2u);
  EXPECT_EQ(json["copies"]["HtoD"]["bytes"], 200u);
  EXPECT_EQ(json["copies"]["DtoH"]["count"], 1u);
  EXPECT_EQ(json["copies"]["DtoH"]["bytes"], 8u);
  EXPECT_FALSE(json["copies"].contains("DtoD"));
}

TEST(CudaActivityTrace, DeclaredCopiesOfASteadyLoopPassTheAudit_CUDA) {
  SKIP_WITHOUT_GPU();
  LoopBuffers buffers;
  const ActivitySummary activity = trace_loop(buffers, -1);
  EXPECT_EQ(activity.lost_records, 0u);
  const CopyAuditResult audit = audit_copies(activity.copies, kIterations, upload_allow_list(), activity.lost_records);
  EXPECT_TRUE(audit.passed) << copy_audit_summary(audit);
  EXPECT_EQ(audit.host_copies.count, static_cast<std::uint64_t>(kIterations));
  EXPECT_EQ(audit.scopes.at(kUploadScope).totals.count, static_cast<std::uint64_t>(kIterations));
  EXPECT_EQ(audit.scopes.at(kUploadScope).totals.bytes, kIterations * kBytes);
  ASSERT_EQ(audit.by_direction.count("DtoD"), 1u) << copy_audit_json(audit).dump(2);
  EXPECT_EQ(audit.by_direction.at("DtoD").count, static_cast<std::uint64_t>(kIterations));
  EXPECT_EQ(audit.by_direction.at("DtoD").bytes, kIterations * kBytes);
  for (const CopyRecord& copy : activity.copies) {
    if (copy.direction != CopyDirection::kHostToDevice) continue;
    EXPECT_EQ(copy.scope, kUploadScope);
    EXPECT_EQ(copy.scope_id, copy_scope_id(kUploadScope));
    EXPECT_EQ(copy.api_call, "cudaMemcpyAsync");
    EXPECT_FALSE(copy.host_pageable);
    EXPECT_EQ(copy.bytes, kBytes);
    EXPECT_GT(copy.end_ns, copy.start_ns);
  }
  // The DtoD copies were issued outside the scope: undeclared, reported, never failing.
  for (const CopyRecord& copy : activity.copies) {
    if (copy.direction == CopyDirection::kDeviceToDevice) {
      EXPECT_EQ(copy.scope, "");
    }
  }
}

TEST(CudaActivityTrace, OneStrayCopyInTheSameLoopFailsTheAuditAndIsNamed_CUDA) {
  SKIP_WITHOUT_GPU();
  LoopBuffers buffers;
  // The clean loop first: a second trace in the same process must see the stray copy.
  const ActivitySummary clean = trace_loop(buffers, -1);
  EXPECT_TRUE(audit_copies(clean.copies, kIterations, upload_allow_list(), clean.lost_records).passed);

  const ActivitySummary activity = trace_loop(buffers, 3);
  const CopyAuditResult audit = audit_copies(activity.copies, kIterations, upload_allow_list(), activity.lost_records);
  const OffendingCopy* stray = sole_offender(audit, CopyOffence::kUndeclared);
  ASSERT_NE(stray, nullptr);
  EXPECT_EQ(stray->copy.direction, CopyDirection::kDeviceToHost);
  EXPECT_EQ(stray->copy.bytes, sizeof(float));
  EXPECT_EQ(stray->copy.api_call, "cudaMemcpy");
  EXPECT_TRUE(stray->copy.host_pageable);
  EXPECT_NE(stray->reason.find("undeclared DtoH copy of 4 bytes"), std::string::npos) << stray->reason;
  EXPECT_EQ(audit.scopes.at(kUploadScope).totals.count, static_cast<std::uint64_t>(kIterations));
}

TEST(CudaActivityTrace, ADeclaredCopyOverItsCountFailsTheAudit_CUDA) {
  SKIP_WITHOUT_GPU();
  LoopBuffers buffers;
  CudaActivityTrace trace;
  trace.start();
  for (int i = 0; i < kIterations; ++i) buffers.steady_state_iteration();
  buffers.steady_state_iteration();  // one upload more than 1 per iteration allows
  const ActivitySummary activity = trace.stop();
  const CopyAuditResult audit = audit_copies(activity.copies, kIterations, upload_allow_list(), activity.lost_records);
  const OffendingCopy* over = sole_offender(audit, CopyOffence::kOverCount);
  ASSERT_NE(over, nullptr);
  EXPECT_EQ(over->copy.scope, kUploadScope);
}

TEST(CudaActivityTrace, CountsKernelsMemsetsAndSynchronizations_CUDA) {
  SKIP_WITHOUT_GPU();
  LoopBuffers buffers;
  cudaEvent_t event = nullptr;
  DREAMER_CHECK_CUDA(cudaEventCreateWithFlags(&event, cudaEventDisableTiming));
  CudaActivityTrace trace;
  trace.start();
  for (int i = 0; i < 5; ++i) testing::launch_add_one(buffers.device(), kFloats, buffers.stream());
  for (int i = 0; i < 3; ++i) DREAMER_CHECK_CUDA(cudaMemsetAsync(buffers.device(), 0, kBytes, buffers.stream()));
  DREAMER_CHECK_CUDA(cudaStreamSynchronize(buffers.stream()));
  testing::launch_add_one(buffers.device(), kFloats, buffers.stream());
  DREAMER_CHECK_CUDA(cudaEventRecord(event, buffers.stream()));
  DREAMER_CHECK_CUDA(cudaEventSynchronize(event));
  DREAMER_CHECK_CUDA(cudaStreamSynchronize(buffers.stream()));
  const ActivitySummary activity = trace.stop();
  DREAMER_CHECK_CUDA(cudaEventDestroy(event));

  const std::string json = activity.to_json().dump(2);
  EXPECT_EQ(activity.lost_records, 0u);
  EXPECT_EQ(activity.kernel_count, 6u) << json;
  EXPECT_EQ(activity.memset_count, 3u) << json;
  EXPECT_EQ(activity.memset_bytes, 3 * kBytes);
  EXPECT_TRUE(activity.copies.empty()) << json;
  EXPECT_EQ(count_of(activity.synchronizations, "stream_synchronize"), 2u) << json;
  EXPECT_EQ(count_of(activity.synchronizations, "event_synchronize"), 1u) << json;
  EXPECT_EQ(activity.synchronizations.count("context_synchronize"), 0u) << "stop()'s own synchronize leaked: " << json;
  EXPECT_EQ(activity.synchronization_count(), 3u) << json;
  // Named by the runtime call, or by the driver call inside it where CUPTI
  // gives the synchronization the driver call's correlation id.
  EXPECT_EQ(count_of(activity.synchronization_calls, "cudaStreamSynchronize") +
                count_of(activity.synchronization_calls, "cuStreamSynchronize"),
            2u)
      << json;
  // Busy time: positive, overlap counted once, within the GPU window.
  EXPECT_GT(activity.kernel_time_ns, 0u);
  EXPECT_GT(activity.kernel_busy_ns, 0u);
  EXPECT_LE(activity.kernel_busy_ns, activity.kernel_time_ns);
  EXPECT_GE(activity.gpu_busy_ns, activity.kernel_busy_ns);
  EXPECT_GT(activity.last_gpu_end_ns, activity.first_gpu_start_ns);
  EXPECT_LE(activity.gpu_busy_ns, activity.last_gpu_end_ns - activity.first_gpu_start_ns);
  EXPECT_GT(activity.trace_stop_ns, activity.trace_start_ns);
}

TEST(CudaActivityTrace, OnlyOneTraceRunsAtATime_CUDA) {
  SKIP_WITHOUT_GPU();
  CudaActivityTrace first;
  first.start();
  CudaActivityTrace second;
  EXPECT_THROW(second.start(), Error);
  EXPECT_FALSE(second.running());
  const ActivitySummary activity = first.stop();
  EXPECT_EQ(activity.lost_records, 0u);
  second.start();
  EXPECT_TRUE(second.running());
  second.stop();
}

}  // namespace
}  // namespace dreamer
