// ROM validation: each kind of bad input gets one clear dreamer::Error.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "actors/gb/emulator.hpp"
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

// Reads 0x4000 with `bank` written to the MBC1 bank register.
std::uint8_t read_bank_start(const Rom& rom, std::uint8_t bank) {
  auto console = std::make_unique<Console>();
  power_on(*console, rom.view());
  Bus bus{*console, rom.view(), nullptr};
  bus_write(bus, 0x2000, bank);
  return bus_read(bus, 0x4000);
}

// A cartridge wires its whole ROM chip whatever the header says, so a file
// larger than its header declares is mapped whole, with bank numbers masked
// to the file's bank count.
TEST(RomLoading, MapsAFileLargerThanItsHeaderDeclaresWhole) {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x00}, {0x01, 0x00, 0x00});  // MBC1, header: 32 KiB
  bytes.resize(64 * 1024);
  bytes[3 * 0x4000] = 0x33;
  const Rom rom(std::move(bytes), "oversized.gb");
  EXPECT_EQ(rom.view().bank_count, 4u);
  EXPECT_EQ(read_bank_start(rom, 3), 0x33);
  EXPECT_EQ(read_bank_start(rom, 7), 0x33) << "bank 7 wraps to bank 3 on a 4-bank ROM";
}

// 3 banks: the chip is the next power of two (4 banks); the missing bank
// reads as an undriven bus (0xFF) and bank numbers wrap at 4.
TEST(RomLoading, RoundsABankCountThatIsNotAPowerOfTwoUpAndTheMissingBankReads0xFF) {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x00}, {0x01, 0x00, 0x00});
  bytes.resize(48 * 1024);
  bytes[2 * 0x4000] = 0x22;
  const Rom rom(std::move(bytes), "three_banks.gb");
  EXPECT_EQ(rom.view().bank_count, 4u);
  EXPECT_EQ(rom.view().size, 64u * 1024);
  EXPECT_EQ(read_bank_start(rom, 2), 0x22);
  EXPECT_EQ(read_bank_start(rom, 3), 0xFF);
  EXPECT_EQ(read_bank_start(rom, 6), 0x22);
}

// Without a controller nothing drives ROM lines above A14: a ROM-only
// cartridge whose file is larger than its 32 KiB header is accepted, and the
// CPU sees banks 0 and 1 whatever is written to the register range.
TEST(RomLoading, ARomOnlyFileLargerThan32KiBLoadsAndShowsOnlyItsFirstTwoBanks) {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x00}, {0x00, 0x00, 0x00});  // ROM only, header: 32 KiB
  bytes.resize(64 * 1024);
  bytes[1 * 0x4000] = 0x11;
  bytes[2 * 0x4000] = 0x22;
  const Rom rom(std::move(bytes), "rom_only_64KiB.gb");
  EXPECT_EQ(rom.view().mbc, MbcKind::kNone);
  EXPECT_EQ(rom.view().bank_count, 4u);
  EXPECT_EQ(read_bank_start(rom, 2), 0x11) << "a write to 0x2000 selects nothing without a controller";
}

TEST(RomLoading, RejectsAFileSmallerThanItsHeaderDeclares) {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x00}, {0x01, 0x01, 0x00});  // header: 64 KiB
  bytes.resize(32 * 1024);
  EXPECT_NE(load_error(bytes).find("declares 65536 bytes but the file holds only 32768"), std::string::npos)
      << load_error(bytes);
}

TEST(RomLoading, RejectsSizesThatAreNotAWholeNumberOfBanks) {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x00});
  bytes.resize(40 * 1024 + 1);
  EXPECT_NE(load_error(bytes).find("not a whole number of 16 KiB banks"), std::string::npos);
}

TEST(RomLoading, RefusesAFileOver8MiBWithOneLineNamingTheFile) {
  const std::filesystem::path path = std::filesystem::temp_directory_path() / "dreamer_rom_test_9MiB.gb";
  std::ofstream(path, std::ios::binary).close();
  std::filesystem::resize_file(path, 9 * 1024 * 1024);  // sparse: nothing is written or read
  std::string message;
  try {
    read_rom_file(path);
  } catch (const Error& error) {
    message = error.what();
  }
  std::filesystem::remove(path);
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  EXPECT_NE(message.find("9437184 bytes is larger than the 8 MiB maximum"), std::string::npos) << message;
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
}

TEST(RomLoading, RejectsABadHeaderChecksum) {
  std::vector<std::uint8_t> bytes = test::make_rom_bytes({0x00});
  bytes[0x14D] ^= 0xFF;
  EXPECT_NE(load_error(bytes).find("header checksum"), std::string::npos);
}

TEST(RomLoading, RejectsUnsupportedCartridgeTypesNamingTheTypeByte) {
  const std::string message = load_error(test::make_rom_bytes({0x00}, {0x20, 0x00, 0x00}));  // MBC6
  EXPECT_NE(message.find("unsupported cartridge type 0x20"), std::string::npos) << message;
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
