// ROM validation: each kind of bad input gets one clear dreamer::Error.
#include <gtest/gtest.h>

#include <string>

#include "actors/gb/rom.hpp"
#include "common/error.hpp"
#include "tests/actors/gb/test_rom.hpp"

namespace dreamer::gb {
namespace {

std::string load_error(std::vector<std::uint8_t> bytes) {
  try {
    Rom rom(std::move(bytes), "bad.gb");
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST(RomLoading, AcceptsAValidCartridgeAndDecodesItsHeader) {
  const Rom rom = test::make_rom({0x00}, {0x13, 0x01, 0x03});  // MBC3+RAM+BATTERY, 64 KiB, 32 KiB RAM
  EXPECT_EQ(rom.view().mbc, MbcKind::kMbc3);
  EXPECT_EQ(rom.view().bank_count, 4u);
  EXPECT_EQ(rom.view().ram_size, 32u * 1024);
  EXPECT_EQ(rom.title(), "DREAMERTEST");
}

TEST(RomLoading, RejectsFilesSmallerThan32KiB) {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x00});
  bytes.resize(16 * 1024);
  EXPECT_NE(load_error(bytes).find("smaller than the 32 KiB minimum"), std::string::npos);
}

TEST(RomLoading, RejectsASizeThatDisagreesWithTheHeader) {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x00}, {0x01, 0x00, 0x00});
  bytes.resize(64 * 1024);
  EXPECT_NE(load_error(bytes).find("does not match the file size"), std::string::npos);
}

TEST(RomLoading, RejectsSizesThatAreNotAPowerOfTwoNumberOfBanks) {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x00});
  bytes.resize(48 * 1024);
  EXPECT_NE(load_error(bytes).find("power-of-two multiple of 16 KiB"), std::string::npos);
}

TEST(RomLoading, RejectsABadHeaderChecksum) {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x00});
  bytes[0x14D] ^= 0xFF;
  EXPECT_NE(load_error(bytes).find("header checksum"), std::string::npos);
}

TEST(RomLoading, RejectsUnsupportedCartridgeTypesNamingTheTypeByte) {
  const std::string message = load_error(test::make_rom_bytes({0x00}, {0x05, 0x00, 0x00}));  // MBC2
  EXPECT_NE(message.find("unsupported cartridge type 0x05"), std::string::npos) << message;
}

TEST(RomLoading, RejectsCartridgeRamLargerThan32KiB) {
  const std::string message = load_error(test::make_rom_bytes({0x00}, {0x1B, 0x00, 0x04}));  // 128 KiB RAM
  EXPECT_NE(message.find("128 KiB exceeds the 32 KiB"), std::string::npos) << message;
}

TEST(RomLoading, MissingFileIsAnErrorNamingThePath) {
  try {
    load_rom("/nonexistent/rom.gb");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/rom.gb"), std::string::npos);
  }
}

}  // namespace
}  // namespace dreamer::gb
