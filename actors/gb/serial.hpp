#pragma once
// Serial port 0xFF01 (SB) / 0xFF02 (SC). Only internal-clock transfers make
// progress (no link partner): one bit per falling edge of bit 8 of the
// divider counter (8192 Hz, so clock edges align to the divider, not to the
// SC write); after 8 bits SB holds 0xFF (nothing connected), SC bit 7 clears
// and the serial interrupt is requested. Every byte sent is captured in SerialState::out (a ring of
// kSerialBufferSize bytes) so tests can read what a ROM printed.
#include <cstdint>

#include "actors/gb/console.hpp"

namespace dreamer::gb {

inline constexpr std::uint16_t kSerialClockBit = 1u << 8;
// The serial clock divider runs 4 dots ahead of DIV's counter (measured by
// mooneye's boot_sclk_align against the post-boot DIV phase).
inline constexpr std::uint16_t kSerialClockPhase = 4;

DREAMER_HD_NOINLINE void serial_write_control(Console& console, std::uint8_t value) {
  SerialState& serial = console.serial;
  serial.sc = value & 0x81;
  if ((value & 0x81) == 0x81) {
    serial.out[serial.out_count % kSerialBufferSize] = serial.sb;
    ++serial.out_count;
    serial.bits_left = 8;
  } else {
    serial.bits_left = 0;
  }
}

DREAMER_HD_INLINE void serial_finish(Console& console) {
  console.serial.sb = 0xFF;
  console.serial.sc &= 0x7F;
  console.interrupts.if_ |= kIntSerial;
}

// Called once per M-cycle with the divider value before and after the tick.
DREAMER_HD_INLINE void serial_tick(Console& console, std::uint16_t divider_before, std::uint16_t divider_after) {
  const std::uint16_t before = static_cast<std::uint16_t>(divider_before + kSerialClockPhase);
  const std::uint16_t after = static_cast<std::uint16_t>(divider_after + kSerialClockPhase);
  if ((before & ~after & kSerialClockBit) != 0 && --console.serial.bits_left == 0) {
    serial_finish(console);
  }
}

// M-cycles until the next serial clock edge (the tick that reaches it).
DREAMER_HD_INLINE std::uint32_t serial_cycles_to_edge(std::uint16_t divider) {
  const std::uint32_t period = 2u * kSerialClockBit;
  return (period - ((divider + kSerialClockPhase) & (period - 1))) / 4;
}

// Serial output as text, oldest byte first (host helper for tests/tools).
DREAMER_HD_NOINLINE std::uint32_t serial_output(const Console& console, char* text, std::uint32_t capacity) {
  const std::uint32_t total = console.serial.out_count;
  const std::uint32_t kept = total < kSerialBufferSize ? total : kSerialBufferSize;
  std::uint32_t n = 0;
  for (std::uint32_t i = total - kept; i < total && n + 1 < capacity; ++i) {
    text[n++] = static_cast<char>(console.serial.out[i % kSerialBufferSize]);
  }
  if (capacity > 0) text[n] = 0;
  return n;
}

}  // namespace dreamer::gb
