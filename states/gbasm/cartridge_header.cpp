#include "states/gbasm/cartridge_header.hpp"

#include "common/error.hpp"

#include <bit>

namespace dreamer::gbasm {

const std::array<std::uint8_t, 48>& nintendo_logo() {
  static constexpr std::array<std::uint8_t, 48> kLogo = {
      0xCE, 0xED, 0x66, 0x66, 0xCC, 0x0D, 0x00, 0x0B, 0x03, 0x73, 0x00, 0x83, 0x00, 0x0C, 0x00, 0x0D,
      0x00, 0x08, 0x11, 0x1F, 0x88, 0x89, 0x00, 0x0E, 0xDC, 0xCC, 0x6E, 0xE6, 0xDD, 0xDD, 0xD9, 0x99,
      0xBB, 0xBB, 0x67, 0x63, 0x6E, 0x0E, 0xEC, 0xCC, 0xDD, 0xDC, 0x99, 0x9F, 0xBB, 0xB9, 0x33, 0x3E};
  return kLogo;
}

std::uint8_t header_checksum(std::span<const std::uint8_t> rom) {
  DREAMER_ASSERT(rom.size() >= kHeaderEnd, "ROM shorter than its header");
  std::uint8_t sum = 0;
  for (std::size_t address = 0x0134; address <= 0x014C; ++address) {
    sum = static_cast<std::uint8_t>(sum - rom[address] - 1);
  }
  return sum;
}

std::uint16_t global_checksum(std::span<const std::uint8_t> rom) {
  DREAMER_ASSERT(rom.size() >= kHeaderEnd, "ROM shorter than its header");
  std::uint16_t sum = 0;
  for (std::size_t address = 0; address < rom.size(); ++address) {
    if (address == kGlobalChecksumAddress || address == kGlobalChecksumAddress + 1) continue;
    sum = static_cast<std::uint16_t>(sum + rom[address]);
  }
  return sum;
}

std::uint8_t rom_size_code(std::size_t rom_size) {
  DREAMER_ASSERT(rom_size >= kMinRomSize && std::has_single_bit(rom_size),
                 "ROM size must be a power of two of at least 32 KiB");
  return static_cast<std::uint8_t>(std::countr_zero(rom_size / kMinRomSize));
}

void write_checksums(std::span<std::uint8_t> rom) {
  rom[kHeaderChecksumAddress] = header_checksum(rom);
  const std::uint16_t global = global_checksum(rom);
  rom[kGlobalChecksumAddress] = static_cast<std::uint8_t>(global >> 8);
  rom[kGlobalChecksumAddress + 1] = static_cast<std::uint8_t>(global & 0xFF);
}

}  // namespace dreamer::gbasm
