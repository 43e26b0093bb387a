// The copy audit on LibTorch tensors, the way the learner copies: a pretend
// step uploads a pinned batch inside a DeclaredCopy scope and updates
// weights on the GPU; one stray weights.to(kCPU) in one step fails the
// audit, named as an undeclared DtoH copy. Skips, saying so, without a GPU.
#include <ATen/ATen.h>
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include "common/gpu_audit/copy_audit.hpp"
#include "common/gpu_audit/cuda_activity_trace.hpp"
#include "common/gpu_audit/declared_copy.hpp"
#include "sole_offender.hpp"

namespace dreamer {
namespace {

bool have_gpu() {
  int devices = 0;
  return cudaGetDeviceCount(&devices) == cudaSuccess && devices > 0;
}

constexpr int kIterations = 6;
constexpr std::int64_t kElements = 256;
constexpr std::uint64_t kBytes = kElements * sizeof(float);  // 1024
constexpr const char* kBatchScope = "test_batch_upload";

class TorchLoop {
 public:
  TorchLoop()
      : weights_(at::ones({kElements}, at::TensorOptions().device(at::kCUDA))),
        pinned_batch_(at::ones({kElements}, at::TensorOptions().pinned_memory(true))) {
    step(false);  // warm-up: CUDA context, caching allocator, kernels loaded
    cudaDeviceSynchronize();
  }

  void step(bool stray_read_back) {
    at::Tensor batch;
    {
      DeclaredCopy scope(kBatchScope);
      batch = pinned_batch_.to(at::kCUDA, /*non_blocking=*/true);
    }
    weights_.mul_(0.5).add_(batch);
    if (stray_read_back) last_read_back_ = weights_.to(at::kCPU);
  }

  ActivitySummary trace(int stray_at) {
    CudaActivityTrace trace;
    trace.start();
    for (int i = 0; i < kIterations; ++i) step(i == stray_at);
    return trace.stop();
  }

 private:
  at::Tensor weights_;
  at::Tensor pinned_batch_;
  at::Tensor last_read_back_;
};

CopyAllowList batch_allow_list() {
  CopyAllowList list;
  list.entries.push_back({kBatchScope, 1, kBytes, {CopyDirection::kHostToDevice}});
  return list;
}

TEST(CudaActivityTraceTorch, AStrayTensorReadBackFailsTheAuditAndIsNamed_CUDA) {
  if (!have_gpu()) GTEST_SKIP() << "no CUDA device visible (cudaGetDeviceCount reports 0)";
  TorchLoop loop;

  const ActivitySummary clean = loop.trace(-1);
  const CopyAuditResult clean_audit = audit_copies(clean.copies, kIterations, batch_allow_list(), clean.lost_records);
  EXPECT_TRUE(clean_audit.passed) << copy_audit_json(clean_audit).dump(2);
  EXPECT_EQ(clean_audit.scopes.at(kBatchScope).totals.count, static_cast<std::uint64_t>(kIterations));
  EXPECT_GE(clean.kernel_count, static_cast<std::uint64_t>(2 * kIterations));  // mul_ and add_ per step

  const ActivitySummary stray = loop.trace(2);
  const CopyAuditResult audit = audit_copies(stray.copies, kIterations, batch_allow_list(), stray.lost_records);
  const OffendingCopy* offending = sole_offender(audit, CopyOffence::kUndeclared);
  ASSERT_NE(offending, nullptr);
  EXPECT_EQ(offending->copy.direction, CopyDirection::kDeviceToHost);
  EXPECT_EQ(offending->copy.bytes, kBytes);
  EXPECT_FALSE(offending->copy.api_call.empty());
}

}  // namespace
}  // namespace dreamer
