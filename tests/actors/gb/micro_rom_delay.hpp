#pragma once
// A wait of exactly `m_cycles` M-cycles for the PPU micro-ROMs, as gbasm
// source: NOPs, or above 200 M-cycles a countdown in BC (clobbers A and BC)
// of 7 n + 2 M-cycles (LD BC 3, then DEC BC, LD A,B, OR C, JR NZ: 7 a loop,
// 6 the last) topped up with NOPs.
#include <string>

namespace dreamer::gb::test {

inline std::string micro_rom_delay(int m_cycles) {
  std::string source;
  int nops = m_cycles;
  if (m_cycles > 200) {
    const int loops = (m_cycles - 2) / 7;
    nops = m_cycles - (7 * loops + 2);
    source += "  ld bc, " + std::to_string(loops) + "\n.delay:\n  dec bc\n  ld a, b\n  or c\n  jr nz, .delay\n";
  }
  if (nops > 0) source += "  ds " + std::to_string(nops) + ", 0\n";
  return source;
}

}  // namespace dreamer::gb::test
