#pragma once
// Device-side gather of sampled sequences: copies batch x seq_len packed2
// frames from a device-resident ring ([num_streams, capacity, 1440] bytes) to
// a device batch buffer ([batch, seq_len, 1440] bytes), wrapping at the end of
// each stream's ring. Compiled by nvcc (C++17); callable from host C++.
#include <cuda_runtime_api.h>

#include <cstdint>

namespace dreamer::replay::cuda {

// `streams` and `start_steps` are device arrays of `batch` entries; `output`
// must be 16-byte aligned. Asynchronous on `stream`; the launch is checked.
void launch_gather_sequences(const std::uint8_t* ring_observations, std::int64_t capacity, const std::int32_t* streams,
                             const std::uint64_t* start_steps, int batch, int seq_len, std::uint8_t* output,
                             cudaStream_t stream);

}  // namespace dreamer::replay::cuda
