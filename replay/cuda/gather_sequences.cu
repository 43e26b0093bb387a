#include "replay/cuda/gather_sequences.hpp"

#include "common/cuda_check.hpp"
#include "common/packed2.hpp"

namespace dreamer::replay::cuda {
namespace {

constexpr int kVectorsPerFrame = packed2::kBytesPerFrame / 16;  // 90 x 16 bytes
constexpr int kThreadsPerFrame = 96;
static_assert(packed2::kBytesPerFrame % 16 == 0, "frames are copied as 16-byte vectors");

// One block per (t, b) frame; neighbouring threads copy neighbouring 16-byte
// vectors of the frame.
__global__ void __launch_bounds__(kThreadsPerFrame)
    gather_sequences_kernel(const uint4* ring, long long capacity, const int* streams,
                            const unsigned long long* start_steps, int batch, int seq_len, uint4* output) {
  const int t = blockIdx.x;
  const int b = blockIdx.y;
  const int lane = threadIdx.x;
  if (b >= batch || t >= seq_len || lane >= kVectorsPerFrame) return;
  const unsigned long long slot =
      (start_steps[b] + static_cast<unsigned long long>(t)) % static_cast<unsigned long long>(capacity);
  const unsigned long long row =
      static_cast<unsigned long long>(streams[b]) * static_cast<unsigned long long>(capacity) + slot;
  const unsigned long long out_row = static_cast<unsigned long long>(b) * seq_len + t;
  output[out_row * kVectorsPerFrame + lane] = ring[row * kVectorsPerFrame + lane];
}

}  // namespace

void launch_gather_sequences(const std::uint8_t* ring_observations, std::int64_t capacity, const std::int32_t* streams,
                             const std::uint64_t* start_steps, int batch, int seq_len, std::uint8_t* output,
                             cudaStream_t stream) {
  if (batch <= 0 || seq_len <= 0) return;
  const dim3 grid(static_cast<unsigned>(seq_len), static_cast<unsigned>(batch));
  gather_sequences_kernel<<<grid, kThreadsPerFrame, 0, stream>>>(
      reinterpret_cast<const uint4*>(ring_observations), static_cast<long long>(capacity),
      reinterpret_cast<const int*>(streams), reinterpret_cast<const unsigned long long*>(start_steps), batch, seq_len,
      reinterpret_cast<uint4*>(output));
  DREAMER_CHECK_CUDA(cudaGetLastError());
}

}  // namespace dreamer::replay::cuda
