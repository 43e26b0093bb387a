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
#include <string>

#include "tests/actors/gb/micro_rom_result.hpp"

namespace dreamer::gb::test {

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
         kStoreResultAndStop;
}

inline std::string boot_nops(int count) { return "  ds " + std::to_string(count) + ", 0\n"; }

}  // namespace dreamer::gb::test
