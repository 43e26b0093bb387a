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

// Timer, VBlank and serial busy around HALT (interrupt vectors 0x40/0x50
// hold RETI), with the timer control value `tac`:
//   LD A,tac; LDH (07),A; LD A,5; LDH (FF),A (IE = VBlank|Timer); LD HL,C000; EI
//   loop: INC (HL); LD A,(HL); LDH (01),A; LD A,81; LDH (02),A; HALT; JR loop
inline Rom interrupt_loop_rom(std::uint8_t tac, const std::string& name) {
  std::vector<std::uint8_t> bytes =
      make_rom_bytes({0x3E, tac,  0xE0, 0x07, 0x3E, 0x05, 0xE0, 0xFF, 0x21, 0x00, 0xC0, 0xFB,
                      0x34, 0x7E, 0xE0, 0x01, 0x3E, 0x81, 0xE0, 0x02, 0x76, 0x18, 0xF5});
  bytes[0x40] = 0xD9;  // outside the header: its checksum stays valid
  bytes[0x50] = 0xD9;
  return Rom(std::move(bytes), name);
}

}  // namespace dreamer::gb::test
