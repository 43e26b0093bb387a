#include "replay/cuda/device_replay_ring.hpp"

#include <cuda_runtime_api.h>

#include "common/cuda_check.hpp"
#include "common/error.hpp"
#include "common/gpu_audit/declared_copy.hpp"
#include "replay/cuda/gather_sequences.hpp"

namespace dreamer::replay::cuda {

DeviceReplayRing::DeviceReplayRing(const ReplayOptions& options) : host_ring_(options, ObservationHome::kExternal) {
  device_bytes_ = static_cast<std::size_t>(options.num_streams) * static_cast<std::size_t>(options.capacity) *
                  ReplayRing::kObservationBytes;
  void* block = nullptr;
  DREAMER_CHECK_CUDA(cudaMalloc(&block, device_bytes_));
  device_observations_ = static_cast<std::uint8_t*>(block);
  DREAMER_CHECK_CUDA(cudaMemset(device_observations_, 0, device_bytes_));
}

DeviceReplayRing::~DeviceReplayRing() { cudaFree(device_observations_); }

std::uint8_t* DeviceReplayRing::slot_pointer(int stream, std::uint64_t step) const {
  DREAMER_ASSERT(stream >= 0 && stream < host_ring_.num_streams(), "stream out of range");
  return device_observations_ + host_ring_.row_of(stream, step) * ReplayRing::kObservationBytes;
}

std::uint64_t DeviceReplayRing::storage_fingerprint() const {
  std::uint64_t hash = host_ring_.storage_fingerprint();
  const auto address = reinterpret_cast<std::uintptr_t>(device_observations_);
  for (int byte = 0; byte < 8; ++byte) {
    hash ^= (address >> (8 * byte)) & 0xff;
    hash *= 1099511628211ull;
  }
  return hash;
}

DeviceSequenceSampler::DeviceSequenceSampler(const DeviceReplayRing& ring, std::uint64_t seed, int max_batch_size,
                                             cudaStream_t stream)
    : ring_(ring), sampler_(ring.host_ring(), seed), max_batch_size_(max_batch_size), stream_(stream) {
  DREAMER_ASSERT(max_batch_size >= 1, "max_batch_size must be >= 1");
  const auto count = static_cast<std::size_t>(max_batch_size);
  refs_.reserve(count);
  DREAMER_CHECK_CUDA(cudaMallocHost(reinterpret_cast<void**>(&host_streams_), count * sizeof(std::int32_t)));
  DREAMER_CHECK_CUDA(cudaMallocHost(reinterpret_cast<void**>(&host_start_steps_), count * sizeof(std::uint64_t)));
  DREAMER_CHECK_CUDA(cudaMalloc(reinterpret_cast<void**>(&device_streams_), count * sizeof(std::int32_t)));
  DREAMER_CHECK_CUDA(cudaMalloc(reinterpret_cast<void**>(&device_start_steps_), count * sizeof(std::uint64_t)));
}

DeviceSequenceSampler::~DeviceSequenceSampler() {
  cudaFree(device_start_steps_);
  cudaFree(device_streams_);
  cudaFreeHost(host_start_steps_);
  cudaFreeHost(host_streams_);
}

SampleStatus DeviceSequenceSampler::sample(const SampleBatchView& fields, std::uint8_t* device_observations) {
  DREAMER_ASSERT(fields.observations == nullptr, "observations of a device ring are gathered into device memory");
  DREAMER_ASSERT(fields.batch_size >= 1 && fields.batch_size <= max_batch_size_,
                 "batch size exceeds the sampler's max_batch_size");
  DREAMER_ASSERT(reinterpret_cast<std::uintptr_t>(device_observations) % 16 == 0,
                 "device batch buffer must be 16-byte aligned");
  refs_.resize(static_cast<std::size_t>(fields.batch_size));
  const SampleStatus status = sampler_.draw_and_pin(fields.seq_len, refs_);
  if (status != SampleStatus::kOk) return status;
  try {
    sampler_.copy_fields(refs_, fields);
    for (std::size_t b = 0; b < refs_.size(); ++b) {
      host_streams_[b] = refs_[b].stream;
      host_start_steps_[b] = refs_[b].start_step;
    }
    const std::size_t count = refs_.size();
    DeclaredCopy scope("sample_indices");
    DREAMER_CHECK_CUDA(
        cudaMemcpyAsync(device_streams_, host_streams_, count * sizeof(std::int32_t), cudaMemcpyHostToDevice, stream_));
    DREAMER_CHECK_CUDA(cudaMemcpyAsync(device_start_steps_, host_start_steps_, count * sizeof(std::uint64_t),
                                       cudaMemcpyHostToDevice, stream_));
    launch_gather_sequences(ring_.device_observations(), ring_.host_ring().capacity(), device_streams_,
                            device_start_steps_, fields.batch_size, fields.seq_len, device_observations, stream_);
    DREAMER_CHECK_CUDA(cudaStreamSynchronize(stream_));
  } catch (...) {
    sampler_.release_pins();
    throw;
  }
  sampler_.release_pins();
  return SampleStatus::kOk;
}

}  // namespace dreamer::replay::cuda
