#pragma once
// The DMG cartridge header fields that the assembler fills in or checks.
//
//   0x0100-0x0103  entry point (usually `nop; jp start`)
//   0x0104-0x0133  Nintendo logo (the boot ROM refuses a cartridge without it)
//   0x0134-0x0143  title / CGB flag
//   0x0147         cartridge type (0x00 ROM only, 0x01 MBC1, 0x19 MBC5, ...)
//   0x0148         ROM size code: size = 32 KiB << code
//   0x014D         header checksum over 0x0134..0x014C
//   0x014E-0x014F  global checksum (big-endian) over every other ROM byte
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace dreamer::gbasm {

inline constexpr std::size_t kLogoAddress = 0x0104;
inline constexpr std::size_t kRomSizeCodeAddress = 0x0148;
inline constexpr std::size_t kHeaderChecksumAddress = 0x014D;
inline constexpr std::size_t kGlobalChecksumAddress = 0x014E;
inline constexpr std::size_t kHeaderEnd = 0x0150;
inline constexpr std::size_t kBankSize = 0x4000;
inline constexpr std::size_t kMinRomSize = 0x8000;

// The 48 logo bytes every cartridge carries at 0x0104.
const std::array<std::uint8_t, 48>& nintendo_logo();

// x = 0; for each byte in 0x0134..0x014C: x = x - byte - 1 (mod 256).
std::uint8_t header_checksum(std::span<const std::uint8_t> rom);

// Sum (mod 65536) of every ROM byte except the two checksum bytes themselves.
std::uint16_t global_checksum(std::span<const std::uint8_t> rom);

// 0x0148 value for a ROM of `rom_size` bytes (a power of two >= 32 KiB).
std::uint8_t rom_size_code(std::size_t rom_size);

// Writes the header checksum and then the global checksum into `rom`.
void write_checksums(std::span<std::uint8_t> rom);

}  // namespace dreamer::gbasm
