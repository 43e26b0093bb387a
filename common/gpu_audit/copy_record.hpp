#pragma once
// CopyRecord: one memory copy seen by the GPU activity trace
// (common/gpu_audit/cuda_activity_trace.hpp), in a form free of CUPTI types, so that the
// copy audit (common/gpu_audit/copy_audit.hpp) and its tests build without CUDA.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace dreamer {

// Where a copy reads and writes. CUDA arrays count as device memory:
// host -> array is kHostToDevice, array -> array is kDeviceToDevice.
enum class CopyDirection : std::uint8_t {
  kHostToDevice,
  kDeviceToHost,
  kDeviceToDevice,  // within one device
  kHostToHost,
  kPeerToPeer,  // between two devices
  kUnknown,     // CUPTI could not classify the copy
};

// The names used in JSON: "HtoD", "DtoH", "DtoD", "HtoH", "PtoP", "unknown".
std::string_view copy_direction_name(CopyDirection direction);
// The direction of a JSON name; nullopt for any other string.
std::optional<CopyDirection> parse_copy_direction(std::string_view name);
// The copies the audit counts: HtoD, DtoH and, to be safe, unknown ones.
bool crosses_host_and_device(CopyDirection direction);

struct CopyRecord {
  CopyDirection direction = CopyDirection::kUnknown;
  // Bytes moved. A cudaMemcpyBatchAsync record is one copy of its total bytes.
  std::uint64_t bytes = 0;
  // GPU timestamps on CUPTI's clock (ns); both 0 when CUPTI had none.
  std::uint64_t start_ns = 0;
  std::uint64_t end_ns = 0;
  std::uint32_t stream_id = 0;
  // CUPTI correlation id of the CUDA API call that issued the copy.
  std::uint32_t correlation_id = 0;
  // That call's name ("cudaMemcpyAsync", "cuMemcpyDtoH"); empty when unknown.
  std::string api_call;
  // Whether the host side is pageable (not pinned) memory: such copies block
  // the calling thread.
  bool host_pageable = false;
  // The DeclaredCopy scope open on the issuing thread (copy_scope_id) and its
  // name; 0 and empty for an undeclared copy.
  std::uint64_t scope_id = 0;
  std::string scope;
};

}  // namespace dreamer
