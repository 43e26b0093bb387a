// Bank switching of MBC1/MBC1M/MBC2/MBC3/MBC5 on generated cartridges whose
// every 16 KiB bank starts with its own bank number, plus cartridge RAM (its
// power-on contents, MBC2's built-in nibbles) and the MBC3 clock latch.
#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>

#include "actors/gb/emulator.hpp"
#include "states/gbasm/cartridge_header.hpp"
#include "tests/actors/gb/test_rom.hpp"

namespace dreamer::gb {
namespace {

std::vector<std::uint8_t> banked_rom_bytes(const test::TestRomOptions& options) {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x00}, options);
  for (std::size_t bank = 1; bank < bytes.size() / 0x4000; ++bank) {
    bytes[bank * 0x4000] = static_cast<std::uint8_t>(bank);
    bytes[bank * 0x4000 + 1] = static_cast<std::uint8_t>(bank >> 8);
  }
  return bytes;
}

struct Cartridge {
  explicit Cartridge(const test::TestRomOptions& options) : Cartridge(banked_rom_bytes(options), "banked test ROM") {}
  Cartridge(std::vector<std::uint8_t> bytes, const std::string& name) {
    rom = std::make_unique<Rom>(std::move(bytes), name);
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

// Multicart wiring (MBC1M, as in mooneye emulator-only/mbc1/multicart_rom_8Mb):
// the upper register selects one of four 256 KiB games (ROM lines 18-19), and
// bit 4 of the lower register reaches no ROM line but still counts in the
// bank-zero check.
TEST(Mbc1Multicart, UpperBitsSelectThe256KiBGameAndBit4OfTheLowRegisterIsUnwired) {
  std::vector<std::uint8_t> bytes = banked_rom_bytes({0x01, 0x05, 0x00});  // MBC1, 1 MiB
  const auto& logo = gbasm::nintendo_logo();
  std::copy(logo.begin(), logo.end(), bytes.begin() + 0x10 * 0x4000 + 0x104);  // a second game at bank 0x10
  Cartridge cart(std::move(bytes), "multicart test ROM");
  ASSERT_EQ(cart.rom->view().mbc, MbcKind::kMbc1Multicart);
  EXPECT_EQ(cart.read(0x4000), 1);
  cart.write(0x4000, 1);
  EXPECT_EQ(cart.read(0x4000), 0x11);
  cart.write(0x2000, 0x12);  // bit 4 dropped
  EXPECT_EQ(cart.read(0x4000), 0x12);
  cart.write(0x2000, 0x10);  // non-zero register, so no 0 -> 1 remap: bank 0x10
  EXPECT_EQ(cart.read(0x4000), 0x10);
  cart.write(0x2000, 0x00);
  EXPECT_EQ(cart.read(0x4000), 0x11);
  cart.write(0x6000, 1);  // mode 1: 0x0000 shows the selected game's first bank
  cart.write(0x4000, 3);
  EXPECT_EQ(cart.read(0x0000), 0x30);
}

TEST(Mbc1Multicart, A1MiBMbc1WithoutASecondLogoKeepsTheStandardWiring) {
  Cartridge cart({0x01, 0x05, 0x00});
  EXPECT_EQ(cart.rom->view().mbc, MbcKind::kMbc1);
}

// The guess needs the one size MBC1M cartridges were made in: a 2 MiB MBC1
// image that happens to hold a logo at 0x40104 keeps the standard wiring.
TEST(Mbc1Multicart, ALogoAtBank0x10OfAnImageOtherThan1MiBKeepsTheStandardWiring) {
  std::vector<std::uint8_t> bytes = banked_rom_bytes({0x01, 0x06, 0x00});  // MBC1, 2 MiB
  const auto& logo = gbasm::nintendo_logo();
  std::copy(logo.begin(), logo.end(), bytes.begin() + 0x10 * 0x4000 + 0x104);
  Cartridge cart(std::move(bytes), "2 MiB MBC1 with a logo at bank 0x10");
  EXPECT_EQ(cart.rom->view().mbc, MbcKind::kMbc1);
  cart.write(0x4000, 1);
  cart.write(0x2000, 0x12);
  EXPECT_EQ(cart.read(0x4000), 0x32) << "upper bits on lines 19-20, all 5 lower bits wired";
}

// Pan Docs "MBC2": one register range 0000-3FFF, address bit 8 picks the
// register; 16 ROM banks of which bank 0 maps to 1; nothing above 3FFF.
TEST(Mbc2, AddressBit8PicksTheRomBankRegisterAndBankZeroMapsToOne) {
  Cartridge cart({0x06, 0x03, 0x00});  // MBC2+BATTERY, 256 KiB = 16 banks
  EXPECT_EQ(cart.read(0x4000), 1);
  cart.write(0x2100, 5);
  EXPECT_EQ(cart.read(0x4000), 5);
  cart.write(0x2000, 7);  // bit 8 clear: RAM enable, not the bank
  EXPECT_EQ(cart.read(0x4000), 5);
  cart.write(0x3F00, 0x0F);
  EXPECT_EQ(cart.read(0x4000), 15);
  cart.write(0x0100, 0x13);  // 4 bits only
  EXPECT_EQ(cart.read(0x4000), 3);
  cart.write(0x0100, 0x00);
  EXPECT_EQ(cart.read(0x4000), 1);
  cart.write(0x4100, 2);  // no register there
  EXPECT_EQ(cart.read(0x4000), 1);
}

// Pan Docs "MBC2" and mooneye emulator-only/mbc2/ram (checked on an MBC2A):
// 512 x 4 bits, enabled through a bit-8-clear address, repeated through
// A000-BFFF; the missing upper nibble reads as 1s; no RAM bank register.
TEST(Mbc2, BuiltInRamHolds512NibblesRepeatedThroughA000ToBFFF) {
  Cartridge cart({0x06, 0x00, 0x00});
  EXPECT_EQ(cart.rom->view().ram_size, 512u);
  cart.write(0x0100, 0x0A);  // bit 8 set: that is the ROM bank register
  cart.write(0xA000, 0x05);
  EXPECT_EQ(cart.read(0xA000), 0xFF);
  cart.write(0x0000, 0x0A);
  EXPECT_EQ(cart.read(0xA000), 0xFF) << "the write while disabled was dropped";
  cart.write(0xA000, 0x35);
  EXPECT_EQ(cart.read(0xA000), 0xF5);
  EXPECT_EQ(cart.read(0xA200), 0xF5);
  EXPECT_EQ(cart.read(0xBE00), 0xF5);
  cart.write(0xBFFF, 0x0C);
  EXPECT_EQ(cart.read(0xA1FF), 0xFC);
  cart.write(0x4000, 1);  // no RAM banking
  EXPECT_EQ(cart.read(0xA000), 0xF5);
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

// MBC2's nibbles follow the same power-on convention: 0xFF (all four bits
// set, so a read gives 0xFF) or zero (a read gives 0xF0, the upper nibble
// being absent).
TEST(CartRam, Mbc2NibblesPowerOnAsOnesOrZeroAndReadWithTheUpperNibbleSet) {
  Cartridge cart({0x06, 0x00, 0x00});  // MBC2+BATTERY
  cart.write(0x0000, 0x0A);
  EXPECT_EQ(cart.read(0xA000), 0xFF);
  EXPECT_EQ(cart.read(0xA1FF), 0xFF);
  EXPECT_EQ(cart.console->cart_ram[512], 0x00) << "only the controller's 512 entries are filled";
  power_on(*cart.console, cart.rom->view(), CartRamFill::kZero);
  cart.write(0x0000, 0x0A);
  EXPECT_EQ(cart.read(0xA000), 0xF0);
  EXPECT_EQ(cart.read(0xBFFF), 0xF0);
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
