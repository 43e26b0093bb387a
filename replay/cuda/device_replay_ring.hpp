#pragma once
// DeviceReplayRing: the single-node variant of the ring whose observations
// live on the GPU, so that actors running the emulator on the GPU write
// packed2 frames straight into their ring slots and learners gather sampled
// sequences on the device (no host copy of observations in the hot path).
//
//   device (one cudaMalloc, made once):  [num_streams, capacity, 1440] bytes
//   host (ReplayRing, ObservationHome::kExternal): every other field, the
//        stamps, the commit fences and the reader pins
//
// Writer protocol (one writer per group, as for ReplayRing):
//   step0 = host_ring().begin_chunk(g);
//   for each step: write the frame to slot_pointer(stream, step) on the GPU
//                  and host_ring().write_step(stream, step, fields, nullptr);
//   make the frames' device writes complete (cudaStreamSynchronize or an
//   event) BEFORE host_ring().publish_chunk(g): the fence only orders host
//   memory, so a published chunk must already be on the device.
//
// Thread-safety: as ReplayRing (the device block follows the same fence and
// pin rules). DeviceSequenceSampler: one thread per sampler.
#include <cuda_runtime_api.h>

#include <cstdint>
#include <vector>

#include "replay/replay_ring.hpp"
#include "replay/sample_batch.hpp"
#include "replay/sequence_sampler.hpp"

namespace dreamer::replay::cuda {

class DeviceReplayRing {
 public:
  // Validates `options` and allocates the device block on the current device
  // (dreamer::CallError when there is no device or too little memory).
  explicit DeviceReplayRing(const ReplayOptions& options);
  ~DeviceReplayRing();
  DeviceReplayRing(const DeviceReplayRing&) = delete;
  DeviceReplayRing& operator=(const DeviceReplayRing&) = delete;

  ReplayRing& host_ring() { return host_ring_; }
  const ReplayRing& host_ring() const { return host_ring_; }
  // Device address of the 1440-byte slot that holds `step` of `stream`.
  std::uint8_t* slot_pointer(int stream, std::uint64_t step) const;
  const std::uint8_t* device_observations() const { return device_observations_; }
  std::size_t device_bytes() const { return device_bytes_; }
  // Mixes the host ring's fingerprint with the device block's address.
  std::uint64_t storage_fingerprint() const;

 private:
  ReplayRing host_ring_;
  std::uint8_t* device_observations_ = nullptr;
  std::size_t device_bytes_ = 0;
};

// Samples like SequenceSampler (same distribution, same RNG use, same pins);
// the fields go to a host batch, the observations are gathered on the GPU.
class DeviceSequenceSampler {
 public:
  // Allocates device and pinned host index buffers for up to max_batch_size
  // sequences, once.
  DeviceSequenceSampler(const DeviceReplayRing& ring, std::uint64_t seed, int max_batch_size, cudaStream_t stream);
  ~DeviceSequenceSampler();
  DeviceSequenceSampler(const DeviceSequenceSampler&) = delete;
  DeviceSequenceSampler& operator=(const DeviceSequenceSampler&) = delete;

  // Fills `fields` (its observations pointer must be null) and gathers the
  // frames into `device_observations` ([batch, seq_len, 1440], 16-byte
  // aligned). Blocks until the gather has finished on the stream (the pins
  // are held until then). kNotReady as SequenceSampler.
  SampleStatus sample(const SampleBatchView& fields, std::uint8_t* device_observations);

  SequenceSampler& host_sampler() { return sampler_; }
  const SequenceSampler& host_sampler() const { return sampler_; }

 private:
  const DeviceReplayRing& ring_;
  SequenceSampler sampler_;
  int max_batch_size_;
  cudaStream_t stream_;
  std::vector<SequenceRef> refs_;
  std::int32_t* host_streams_ = nullptr;       // pinned
  std::uint64_t* host_start_steps_ = nullptr;  // pinned
  std::int32_t* device_streams_ = nullptr;
  std::uint64_t* device_start_steps_ = nullptr;
};

}  // namespace dreamer::replay::cuda
