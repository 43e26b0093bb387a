#pragma once
// Host-side ROM loading and validation. A Rom owns the image bytes and hands
// out the RomView the core reads (shared read-only by every console).
//
// Checks, each failing with one dreamer::Error naming the file:
//   size >= 32 KiB, <= 8 MiB and a whole number of 16 KiB banks, at least what
//   header byte 0x148 declares; header checksum (0x14D); cartridge type
//   (0x147) one of ROM-only, MBC1, MBC2, MBC3 (+RTC), MBC5 (+RAM/battery); RAM
//   size (0x149) known and at most 32 KiB (the per-console cart RAM).
//
// A file larger than its header declares is mapped whole, as the cartridge
// would wire it: the bank count is the file's, rounded up to a power of two
// (missing bytes read 0xFF), and MBC bank numbers are masked to it. A 1 MiB
// MBC1 image with a second Nintendo logo in bank 0x10 is an MBC1 multicart
// (MbcKind::kMbc1Multicart).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "actors/gb/console.hpp"

namespace dreamer::gb {

// Thread-safe to share once constructed (immutable).
class Rom {
 public:
  // Validates bytes; source_name is used in error messages.
  Rom(std::vector<std::uint8_t> bytes, const std::string& source_name);

  Rom(const Rom&) = delete;
  Rom& operator=(const Rom&) = delete;
  Rom(Rom&&) noexcept = default;
  Rom& operator=(Rom&&) noexcept = default;

  const RomView& view() const { return view_; }
  const std::string& title() const { return title_; }
  const std::vector<std::uint8_t>& bytes() const { return bytes_; }

 private:
  std::vector<std::uint8_t> bytes_;
  RomView view_;
  std::string title_;
};

// Reads a ROM file, refusing one over 8 MiB from its size alone (before
// reading it). Every loader of ROM files goes through here.
std::vector<std::uint8_t> read_rom_file(const std::filesystem::path& path);

Rom load_rom(const std::filesystem::path& path);

}  // namespace dreamer::gb
