#pragma once
// Hand-assembled test cartridges: a valid header (checksum computed) around
// a few bytes of SM83 code placed at the 0x0100 entry point.
#include <cstdint>
#include <string>
#include <vector>

#include "actors/gb/rom.hpp"

namespace dreamer::gb::test {

struct TestRomOptions {
  std::uint8_t cart_type = 0x00;
  std::uint8_t rom_size_code = 0x00;  // 32 KiB << code
  std::uint8_t ram_size_code = 0x00;
};

inline std::vector<std::uint8_t> make_rom_bytes(const std::vector<std::uint8_t>& program,
                                                const TestRomOptions& options = {}) {
  std::vector<std::uint8_t> bytes(std::size_t{32 * 1024} << options.rom_size_code, 0);
  for (std::size_t i = 0; i < program.size(); ++i) bytes[0x100 + i] = program[i];
  const char title[] = "DREAMERTEST";
  for (std::size_t i = 0; i + 1 < sizeof(title); ++i) bytes[0x134 + i] = static_cast<std::uint8_t>(title[i]);
  bytes[0x147] = options.cart_type;
  bytes[0x148] = options.rom_size_code;
  bytes[0x149] = options.ram_size_code;
  std::uint8_t checksum = 0;
  for (std::size_t i = 0x134; i <= 0x14C; ++i) checksum = static_cast<std::uint8_t>(checksum - bytes[i] - 1);
  bytes[0x14D] = checksum;
  return bytes;
}

inline Rom make_rom(const std::vector<std::uint8_t>& program, const TestRomOptions& options = {}) {
  return Rom(make_rom_bytes(program, options), "test ROM");
}

}  // namespace dreamer::gb::test
