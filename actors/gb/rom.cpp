#include "actors/gb/rom.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iterator>
#include <system_error>

#include "common/error.hpp"
#include "states/gbasm/cartridge_header.hpp"

namespace dreamer::gb {
namespace {

constexpr std::uint32_t kBankSize = 16 * 1024;
constexpr std::uint32_t kMaxRomSize = 8 * 1024 * 1024;

struct CartType {
  MbcKind mbc;
  bool has_ram;
  bool has_rtc;
};

bool decode_cart_type(std::uint8_t type, CartType& out) {
  switch (type) {
    case 0x00:
      out = {MbcKind::kNone, false, false};
      return true;
    case 0x08:
    case 0x09:
      out = {MbcKind::kNone, true, false};
      return true;
    case 0x01:
      out = {MbcKind::kMbc1, false, false};
      return true;
    case 0x02:
    case 0x03:
      out = {MbcKind::kMbc1, true, false};
      return true;
    case 0x05:
    case 0x06:
      out = {MbcKind::kMbc2, true, false};
      return true;
    case 0x0F:
      out = {MbcKind::kMbc3, false, true};
      return true;
    case 0x10:
      out = {MbcKind::kMbc3, true, true};
      return true;
    case 0x11:
      out = {MbcKind::kMbc3, false, false};
      return true;
    case 0x12:
    case 0x13:
      out = {MbcKind::kMbc3, true, false};
      return true;
    case 0x19:
    case 0x1C:
      out = {MbcKind::kMbc5, false, false};
      return true;
    case 0x1A:
    case 0x1B:
    case 0x1D:
    case 0x1E:
      out = {MbcKind::kMbc5, true, false};
      return true;
    default:
      return false;
  }
}

// MBC1M detection. No header field tells the two wirings apart, so
// emulators guess from the image: SameBoy (Core/gb.c, GB_configure_cart)
// takes an MBC1 image whose bank 0x10 repeats bank 0's logo at 0x0104, i.e.
// starts another game. Here the copy must be the Nintendo logo itself (a
// homebrew image with no logo anywhere is not a multicart), and the image
// must be 1 MiB, the one size MBC1M cartridges were made in.
bool is_mbc1_multicart(const std::vector<std::uint8_t>& bytes) {
  constexpr std::size_t kMulticartSize = 64 * kBankSize;
  if (bytes.size() != kMulticartSize) return false;
  const auto& logo = gbasm::nintendo_logo();
  const auto second_game_logo = bytes.begin() + 0x10 * kBankSize + gbasm::kLogoAddress;
  return std::equal(logo.begin(), logo.end(), second_game_logo);
}

std::string hex_byte(unsigned value) {
  char text[8];
  std::snprintf(text, sizeof(text), "0x%02X", value & 0xFF);
  return text;
}

}  // namespace

Rom::Rom(std::vector<std::uint8_t> bytes, const std::string& source_name) : bytes_(std::move(bytes)) {
  const std::string where = "ROM '" + source_name + "': ";
  const std::size_t size = bytes_.size();
  if (size < 2 * kBankSize) {
    throw Error(where + std::to_string(size) + " bytes is smaller than the 32 KiB minimum");
  }
  if (size > kMaxRomSize) {
    throw Error(where + std::to_string(size) + " bytes is larger than the 8 MiB maximum");
  }
  if (size % kBankSize != 0) {
    throw Error(where + std::to_string(size) + " bytes is not a whole number of 16 KiB banks");
  }
  const std::uint8_t size_code = bytes_[0x148];
  if (size_code > 8) throw Error(where + "unknown header ROM size byte " + hex_byte(size_code));
  const std::size_t declared = std::size_t{2 * kBankSize} << size_code;
  if (declared > size) {
    throw Error(where + "header ROM size byte " + hex_byte(size_code) + " declares " + std::to_string(declared) +
                " bytes but the file holds only " + std::to_string(size));
  }
  // A file larger than its header says is mapped whole, as a cartridge wires
  // its ROM chip: the chip's size is the next power of two (the bytes past the
  // file read as 0xFF, an undriven bus) and bank numbers wrap at it.
  std::size_t banks = 1;
  while (banks * kBankSize < size) banks *= 2;
  bytes_.resize(banks * kBankSize, 0xFF);
  std::uint8_t checksum = 0;
  for (std::size_t i = 0x134; i <= 0x14C; ++i) checksum = static_cast<std::uint8_t>(checksum - bytes_[i] - 1);
  if (checksum != bytes_[0x14D]) {
    throw Error(where + "header checksum is " + hex_byte(bytes_[0x14D]) + " but the header sums to " +
                hex_byte(checksum));
  }
  CartType type{};
  if (!decode_cart_type(bytes_[0x147], type)) {
    throw Error(where + "unsupported cartridge type " + hex_byte(bytes_[0x147]) +
                " (supported: ROM-only, MBC1, MBC2, MBC3, MBC5)");
  }
  std::uint32_t ram_size = 0;
  switch (bytes_[0x149]) {
    case 0x00:
      ram_size = 0;
      break;
    case 0x01:
      ram_size = 2 * 1024;
      break;
    case 0x02:
      ram_size = 8 * 1024;
      break;
    case 0x03:
      ram_size = 32 * 1024;
      break;
    case 0x04:
      ram_size = 128 * 1024;
      break;
    case 0x05:
      ram_size = 64 * 1024;
      break;
    default:
      throw Error(where + "unknown RAM size byte " + hex_byte(bytes_[0x149]));
  }
  if (!type.has_ram) ram_size = 0;
  if (type.mbc == MbcKind::kMbc2) ram_size = 512;  // built into the controller, whatever 0x149 says
  if (ram_size > kCartRamCapacity) {
    throw Error(where + "cartridge RAM of " + std::to_string(ram_size / 1024) +
                " KiB exceeds the 32 KiB per console that the emulator supports");
  }
  for (std::size_t i = 0x134; i < 0x144 && bytes_[i] != 0; ++i) {
    if (bytes_[i] >= 0x20 && bytes_[i] < 0x7F) title_ += static_cast<char>(bytes_[i]);
  }
  if (type.mbc == MbcKind::kMbc1 && is_mbc1_multicart(bytes_)) type.mbc = MbcKind::kMbc1Multicart;
  view_.data = bytes_.data();
  view_.size = static_cast<std::uint32_t>(bytes_.size());
  view_.bank_count = static_cast<std::uint32_t>(banks);
  view_.ram_size = ram_size;
  view_.cart_type = bytes_[0x147];
  view_.mbc = type.mbc;
  view_.has_rtc = type.has_rtc;
}

std::vector<std::uint8_t> read_rom_file(const std::filesystem::path& path) {
  const std::string where = "ROM '" + path.string() + "': ";
  std::error_code error;
  const std::uintmax_t size = std::filesystem::file_size(path, error);
  if (error) throw Error(where + "cannot open file (" + error.message() + ")");
  if (size > kMaxRomSize) throw Error(where + std::to_string(size) + " bytes is larger than the 8 MiB maximum");
  std::ifstream file(path, std::ios::binary);
  if (!file) throw Error(where + "cannot open file");
  return std::vector<std::uint8_t>((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
}

Rom load_rom(const std::filesystem::path& path) { return Rom(read_rom_file(path), path.string()); }

}  // namespace dreamer::gb
