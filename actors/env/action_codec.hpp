#pragma once
// Action codec `pokemonred_puffer_v1`: 8 discrete actions, in this order,
// each holding at most one button (DESIGN.md §5):
//
//   0 NOOP  1 A  2 B  3 START  4 UP  5 DOWN  6 LEFT  7 RIGHT
#include <cstdint>

#include "actors/gb/console.hpp"
#include "common/host_device.hpp"

namespace dreamer::env {

inline constexpr int kActionCount = 8;
inline constexpr char kActionCodecId[] = "pokemonred_puffer_v1";

// Joypad mask (gb::Button bits) for an action; out-of-range actions are NOOP.
DREAMER_HD_INLINE std::uint8_t action_buttons(std::uint8_t action) {
  switch (action) {
    case 1:
      return gb::kButtonA;
    case 2:
      return gb::kButtonB;
    case 3:
      return gb::kButtonStart;
    case 4:
      return gb::kButtonUp;
    case 5:
      return gb::kButtonDown;
    case 6:
      return gb::kButtonLeft;
    case 7:
      return gb::kButtonRight;
    default:
      return 0;
  }
}

}  // namespace dreamer::env
