#pragma once
// The pieces the PPU micro-ROMs share. The ending: A is stored at $FF80,
// then $A5 at $FF81 marks the program done, and the CPU spins there.
#include <cstdint>

namespace dreamer::gb::test {

inline constexpr std::uint16_t kMicroRomResult = 0xFF80;
inline constexpr std::uint16_t kMicroRomDone = 0xFF81;
inline constexpr std::uint8_t kMicroRomDoneMark = 0xA5;

inline constexpr const char* kStoreResultAndStop = R"(
  ldh ($80), a
  ld a, $A5
  ldh ($81), a
.done:
  jr .done
)";

// The opening at `start` (after the header at $0100 jumps there): IME off,
// SP at the top of HRAM, wait for VBlank, LCD off; A = 0 after it.
inline constexpr const char* kStartWithTheLcdOff = R"(
start:
  di
  ld sp, $FFFE
.vblank:
  ldh a, ($44)
  cp 144
  jr nz, .vblank
  xor a
  ldh ($40), a
)";

}  // namespace dreamer::gb::test
