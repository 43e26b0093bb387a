// Every ROM the build assembles carries a valid DMG cartridge header,
// recomputed here independently of the assembler.
#include "tests/actors/roms/rom_paths.hpp"

#include <gtest/gtest.h>

#include <array>
#include <fstream>
#include <iterator>
#include <vector>

namespace dreamer::testing {
namespace {

std::vector<std::uint8_t> read_rom(const std::string& name) {
  std::ifstream in(own_rom(name), std::ios::binary);
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct Expected {
  const char* name;
  std::size_t size;
  int cartridge_type;
};

TEST(OwnRomHeaders, LogoSizeTypeAndChecksumsAreValid) {
  // The boot ROM's logo check (Pan Docs, "The Cartridge Header", 0104-0133).
  constexpr std::array<std::uint8_t, 48> kLogo = {
      0xCE, 0xED, 0x66, 0x66, 0xCC, 0x0D, 0x00, 0x0B, 0x03, 0x73, 0x00, 0x83, 0x00, 0x0C, 0x00, 0x0D,
      0x00, 0x08, 0x11, 0x1F, 0x88, 0x89, 0x00, 0x0E, 0xDC, 0xCC, 0x6E, 0xE6, 0xDD, 0xDD, 0xD9, 0x99,
      0xBB, 0xBB, 0x67, 0x63, 0x6E, 0x0E, 0xEC, 0xCC, 0xDD, 0xDC, 0x99, 0x9F, 0xBB, 0xB9, 0x33, 0x3E};
  const std::array<Expected, 6> roms = {{{"static_screen.gb", 32768, 0x00},
                                         {"exit_room.gb", 32768, 0x00},
                                         {"micro_timer_ppu.gb", 32768, 0x00},
                                         {"micro_input.gb", 32768, 0x00},
                                         {"micro_mbc.gb", 65536, 0x01},
                                         {"town.gb", 131072, 0x01}}};
  for (const Expected& expected : roms) {
    SCOPED_TRACE(expected.name);
    const std::vector<std::uint8_t> rom = read_rom(expected.name);
    ASSERT_EQ(rom.size(), expected.size);
    EXPECT_TRUE(std::equal(kLogo.begin(), kLogo.end(), rom.begin() + 0x104));
    EXPECT_EQ(rom[0x147], expected.cartridge_type);
    EXPECT_EQ(static_cast<std::size_t>(32768) << rom[0x148], rom.size());
    EXPECT_EQ(rom[0x143], 0x00) << "DMG-only (no CGB flag)";
    std::uint8_t header = 0;
    for (std::size_t address = 0x134; address <= 0x14C; ++address)
      header = static_cast<std::uint8_t>(header - rom[address] - 1);
    EXPECT_EQ(rom[0x14D], header);
    std::uint32_t global = 0;
    for (std::size_t address = 0; address < rom.size(); ++address) {
      if (address != 0x14E && address != 0x14F) global += rom[address];
    }
    EXPECT_EQ((rom[0x14E] << 8) | rom[0x14F], static_cast<int>(global & 0xFFFF));
    // Entry point: nop; jp start.
    EXPECT_EQ(rom[0x100], 0x00);
    EXPECT_EQ(rom[0x101], 0xC3);
  }
}

}  // namespace
}  // namespace dreamer::testing
