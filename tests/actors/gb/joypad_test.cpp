// Joypad register: active-low bits, two select lines, joypad interrupt.
#include <gtest/gtest.h>

#include <memory>

#include "actors/gb/emulator.hpp"
#include "tests/actors/gb/test_rom.hpp"

namespace dreamer::gb {
namespace {

TEST(Joypad, SelectLinesChooseDirectionsOrButtonsActiveLow) {
  const Rom rom = test::make_rom({0x00});
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  Bus bus{*console, rom.view(), nullptr};
  set_buttons(*console, kButtonA | kButtonStart | kButtonRight | kButtonDown);
  bus_write(bus, 0xFF00, 0x20);                          // P14 low: directions
  EXPECT_EQ(bus_read(bus, 0xFF00), 0xC0 | 0x20 | 0x06);  // RIGHT (bit 0) and DOWN (bit 3) low
  bus_write(bus, 0xFF00, 0x10);                          // P15 low: buttons
  EXPECT_EQ(bus_read(bus, 0xFF00), 0xC0 | 0x10 | 0x06);  // A (bit 0) and START (bit 3) low
  bus_write(bus, 0xFF00, 0x30);                          // nothing selected
  EXPECT_EQ(bus_read(bus, 0xFF00), 0xFF);
  bus_write(bus, 0xFF00, 0x00);  // both selected: AND of both groups
  EXPECT_EQ(bus_read(bus, 0xFF00), 0xC0 | 0x06);
}

TEST(Joypad, PressingASelectedButtonRequestsTheJoypadInterrupt) {
  const Rom rom = test::make_rom({0x00});
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  Bus bus{*console, rom.view(), nullptr};
  bus_write(bus, 0xFF00, 0x10);
  console->interrupts.if_ = 0;
  set_buttons(*console, kButtonUp);  // direction: not selected
  EXPECT_EQ(console->interrupts.if_ & kIntJoypad, 0);
  set_buttons(*console, kButtonUp | kButtonB);
  EXPECT_NE(console->interrupts.if_ & kIntJoypad, 0);
}

}  // namespace
}  // namespace dreamer::gb
