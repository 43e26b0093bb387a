#pragma once
// Serial port 0xFF01 (SB) / 0xFF02 (SC). Only internal-clock transfers make
// progress (no link partner): 8 bits at 8192 Hz = 1024 M-cycles, after which
// SB holds 0xFF (nothing connected), SC bit 7 clears and the serial interrupt
// is requested. Every byte sent is captured in SerialState::out (a ring of
// kSerialBufferSize bytes) so tests can read what a ROM printed.
#include <cstdint>

#include "actors/gb/console.hpp"

namespace dreamer::gb {

inline constexpr std::uint32_t kSerialTransferCycles = 1024;

DREAMER_HD_NOINLINE void serial_write_control(Console& console, std::uint8_t value) {
  SerialState& serial = console.serial;
  serial.sc = value & 0x81;
  if ((value & 0x81) == 0x81) {
    serial.out[serial.out_count % kSerialBufferSize] = serial.sb;
    ++serial.out_count;
    serial.countdown = kSerialTransferCycles;
  } else {
    serial.countdown = 0;
  }
}

DREAMER_HD_INLINE void serial_finish(Console& console) {
  console.serial.sb = 0xFF;
  console.serial.sc &= 0x7F;
  console.interrupts.if_ |= kIntSerial;
}

DREAMER_HD_INLINE void serial_tick(Console& console) {
  if (console.serial.countdown != 0 && --console.serial.countdown == 0) serial_finish(console);
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
