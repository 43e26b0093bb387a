#include "common/gpu_audit/copy_record.hpp"

#include <array>
#include <utility>

namespace dreamer {
namespace {

constexpr std::array<std::pair<CopyDirection, std::string_view>, 6> kDirectionNames = {{
    {CopyDirection::kHostToDevice, "HtoD"},
    {CopyDirection::kDeviceToHost, "DtoH"},
    {CopyDirection::kDeviceToDevice, "DtoD"},
    {CopyDirection::kHostToHost, "HtoH"},
    {CopyDirection::kPeerToPeer, "PtoP"},
    {CopyDirection::kUnknown, "unknown"},
}};

}  // namespace

std::string_view copy_direction_name(CopyDirection direction) {
  for (const auto& [value, name] : kDirectionNames)
    if (value == direction) return name;
  return "unknown";
}

std::optional<CopyDirection> parse_copy_direction(std::string_view name) {
  for (const auto& [value, known] : kDirectionNames)
    if (known == name) return value;
  return std::nullopt;
}

bool crosses_host_and_device(CopyDirection direction) {
  return direction == CopyDirection::kHostToDevice || direction == CopyDirection::kDeviceToHost ||
         direction == CopyDirection::kUnknown;
}

}  // namespace dreamer
