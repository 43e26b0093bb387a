#pragma once
// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as used by the
// TFRecord framing of TensorBoard event files, and its "masked" form
// (rotate right by 15, add 0xa282ead8) that TFRecord stores so that a CRC of
// data holding CRCs stays well distributed. Table-driven, byte at a time:
// event files are small.
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace dreamer {

std::uint32_t crc32c(std::span<const std::uint8_t> data);
std::uint32_t crc32c(std::string_view data);
std::uint32_t mask_crc32c(std::uint32_t crc);
std::uint32_t unmask_crc32c(std::uint32_t masked);

}  // namespace dreamer
