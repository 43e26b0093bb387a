#pragma once
// Joypad register 0xFF00 (active low). Bit 4 low selects the direction keys,
// bit 5 low selects the action buttons; both low reads the AND of the two.
//
//   pressed mask (set_buttons): bit 0 A, 1 B, 2 SELECT, 3 START,
//                               4 RIGHT, 5 LEFT, 6 UP, 7 DOWN
#include <cstdint>

#include "actors/gb/console.hpp"

namespace dreamer::gb {

DREAMER_HD_INLINE std::uint8_t joypad_low_nibble(std::uint8_t select, std::uint8_t pressed) {
  std::uint8_t low = 0x0F;
  if ((select & 0x10) == 0) low &= static_cast<std::uint8_t>(~(pressed >> 4) & 0x0F);
  if ((select & 0x20) == 0) low &= static_cast<std::uint8_t>(~pressed & 0x0F);
  return low;
}

DREAMER_HD_INLINE std::uint8_t joypad_read(const Console& console) {
  return static_cast<std::uint8_t>(0xC0 | console.joypad.select |
                                   joypad_low_nibble(console.joypad.select, console.joypad.pressed));
}

// Sets the held buttons (Button mask). A line going low requests the joypad
// interrupt and ends STOP.
DREAMER_HD_NOINLINE void set_buttons(Console& console, std::uint8_t pressed_mask) {
  const std::uint8_t before = joypad_low_nibble(console.joypad.select, console.joypad.pressed);
  console.joypad.pressed = pressed_mask;
  const std::uint8_t after = joypad_low_nibble(console.joypad.select, pressed_mask);
  if ((before & ~after) != 0) console.interrupts.if_ |= kIntJoypad;
  if (pressed_mask != 0) console.cpu.stopped = 0;
}

}  // namespace dreamer::gb
