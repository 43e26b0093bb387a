// Bank switching of MBC1/MBC3/MBC5 on generated cartridges whose every
// 16 KiB bank starts with its own bank number, plus cartridge RAM (and its
// power-on contents) and the MBC3 clock latch.
#include <gtest/gtest.h>

#include <memory>

#include "actors/gb/emulator.hpp"
#include "tests/actors/gb/test_rom.hpp"

namespace dreamer::gb {
namespace {

struct Cartridge {
  explicit Cartridge(const test::TestRomOptions& options) {
    std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x00}, options);
    for (std::size_t bank = 1; bank < bytes.size() / 0x4000; ++bank) {
      bytes[bank * 0x4000] = static_cast<std::uint8_t>(bank);
      bytes[bank * 0x4000 + 1] = static_cast<std::uint8_t>(bank >> 8);
    }
    rom = std::make_unique<Rom>(std::move(bytes), "banked test ROM");
    console = std::make_unique<Console>();
    power_on(*console, rom->view());
  }
  std::uint8_t read(std::uint16_t address) {
    Bus bus{*console, rom->view(), nullptr};
    return bus_read(bus, address);
  }
  void write(std::uint16_t address, std::uint8_t value) {
    Bus bus{*console, rom->view(), nullptr};
    bus_write(bus, address, value);
  }
  std::unique_ptr<Rom> rom;
  std::unique_ptr<Console> console;
};

TEST(Mbc1, SelectsRomBanksAndMapsBankZeroToOne) {
  Cartridge cart({0x01, 0x05, 0x00});  // MBC1, 1 MiB = 64 banks
  EXPECT_EQ(cart.read(0x4000), 1);
  cart.write(0x2000, 7);
  EXPECT_EQ(cart.read(0x4000), 7);
  cart.write(0x2000, 0);
  EXPECT_EQ(cart.read(0x4000), 1);
  cart.write(0x4000, 1);  // upper bits: bank 0x21
  cart.write(0x2000, 1);
  EXPECT_EQ(cart.read(0x4000), 0x21);
  EXPECT_EQ(cart.read(0x0000), 0x00);
  cart.write(0x6000, 1);  // mode 1: 0x0000 shows bank 0x20
  EXPECT_EQ(cart.read(0x0000), 0x20);
}

TEST(Mbc1, CartridgeRamNeedsEnablingAndIsBanked) {
  Cartridge cart({0x03, 0x00, 0x03});  // MBC1+RAM+battery, 32 KiB RAM
  cart.write(0xA000, 0x12);
  EXPECT_EQ(cart.read(0xA000), 0xFF);
  cart.write(0x0000, 0x0A);
  cart.write(0xA000, 0x12);
  cart.write(0x6000, 1);
  cart.write(0x4000, 2);
  cart.write(0xA000, 0x34);
  EXPECT_EQ(cart.read(0xA000), 0x34);
  cart.write(0x4000, 0);
  EXPECT_EQ(cart.read(0xA000), 0x12);
  EXPECT_EQ(cart.console->cart_ram[2 * 0x2000], 0x34);
}

TEST(CartRam, PowersOnAs0xFFUnlessZeroFillIsAsked) {
  Cartridge cart({0x03, 0x00, 0x03});  // MBC1+RAM+battery, 32 KiB RAM
  cart.write(0x0000, 0x0A);
  EXPECT_EQ(cart.read(0xA000), 0xFF);
  EXPECT_EQ(cart.console->cart_ram[kCartRamCapacity - 1], 0xFF);
  power_on(*cart.console, cart.rom->view(), CartRamFill::kZero);
  cart.write(0x0000, 0x0A);
  EXPECT_EQ(cart.read(0xA000), 0x00);
  EXPECT_EQ(cart.console->cart_ram[kCartRamCapacity - 1], 0x00);
}

TEST(CartRam, OnlyTheBytesTheCartridgeHasAreFilled) {
  Cartridge cart({0x03, 0x00, 0x02});  // 8 KiB RAM
  EXPECT_EQ(cart.console->cart_ram[8 * 1024 - 1], 0xFF);
  EXPECT_EQ(cart.console->cart_ram[8 * 1024], 0x00);
}

TEST(Mbc5, NineBitRomBankAndBankZeroIsSelectable) {
  Cartridge cart({0x19, 0x08, 0x00});  // MBC5, 8 MiB = 512 banks
  cart.write(0x2000, 0x00);
  EXPECT_EQ(cart.read(0x4000), 0);
  cart.write(0x2000, 0x05);
  cart.write(0x3000, 0x01);
  EXPECT_EQ(cart.read(0x4000), 0x05);
  EXPECT_EQ(cart.read(0x4001), 0x01);
}

TEST(Mbc3, ClockRegistersLatchAndAdvanceWithEmulatedTime) {
  Cartridge cart({0x10, 0x02, 0x03});  // MBC3+TIMER+RAM+BATTERY
  cart.write(0x0000, 0x0A);
  cart.write(0x2000, 0x03);
  EXPECT_EQ(cart.read(0x4000), 3);
  cart.write(0x4000, 0x08);  // seconds register
  cart.write(0xA000, 58);
  Bus bus{*cart.console, cart.rom->view(), nullptr};
  for (std::uint32_t i = 0; i < 3 * kRtcCyclesPerSecond; ++i) tick(bus);
  EXPECT_EQ(cart.read(0xA000), 58);  // still the old latch
  cart.write(0x6000, 0);
  cart.write(0x6000, 1);
  EXPECT_EQ(cart.read(0xA000), 1);  // 58 + 3 wraps to 1
  cart.write(0x4000, 0x09);
  EXPECT_EQ(cart.read(0xA000), 1);  // one minute carried
}

}  // namespace
}  // namespace dreamer::gb
