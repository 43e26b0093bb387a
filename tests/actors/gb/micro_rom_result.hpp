#pragma once
// The ending the PPU micro-ROMs share: A is stored at $FF80, then $A5 at
// $FF81 marks the program done, and the CPU spins there.
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

}  // namespace dreamer::gb::test
