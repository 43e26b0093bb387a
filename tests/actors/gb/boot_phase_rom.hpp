#pragma once
// Micro-ROMs for the PPU's phase when the boot ROM hands over (issue 20,
// theme 4). Each starts like a cartridge the boot ROM jumps into (at $0100:
// NOP, JP $0150), runs `body` with nothing before it, and stores A at $FF80
// ($A5 at $FF81 once done). No LCD restart: what the reads see depends only
// on where the PPU stands at $0100 (line 153, LY already 0).
//
// The bodies and the values a DMG reads are those of docboy-test-suite
// (Docheinstein), source/ppu/boot_*.asm, pixel_transfer_timing_from_boot_*,
// ly_timing_scx0_round2 and lyc_stat_interrupt_flag_timing_from_boot_round2
// (the names are given per case in ppu_test.cpp); the code here is written
// anew.
#include <cstdint>
#include <string>

namespace dreamer::gb::test {

inline constexpr std::uint16_t kBootPhaseResult = 0xFF80;
inline constexpr std::uint16_t kBootPhaseDone = 0xFF81;
inline constexpr std::uint8_t kBootPhaseDoneMark = 0xA5;

inline std::string boot_phase_rom(const std::string& body) {
  return std::string(R"(
  org $0100
  nop
  jp start
  logo
  db "BOOT PHASE"
  org $0150
start:
)") + body +
         R"(
  ldh ($80), a
  ld a, $A5
  ldh ($81), a
.done:
  jr .done
)";
}

inline std::string boot_nops(int count) { return "  ds " + std::to_string(count) + ", 0\n"; }

}  // namespace dreamer::gb::test
