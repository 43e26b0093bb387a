#pragma once
// The project's own snapshot format for one console:
//
//   offset 0   8 bytes  magic "DGBSNAP\0"
//   offset 8   u32      format version (kSnapshotVersion)
//   offset 12  u32      payload size (= sizeof(Console))
//   offset 16  32 bytes SHA-256 of the ROM image the console ran
//   offset 48  ...      the Console bytes (its own StateHeader first)
//
// Restoring checks magic, version and size, that the snapshot was made with
// the same ROM image (a console's state means nothing on another game, even
// one with the same cartridge type), and that the Console header agrees;
// each mismatch is a dreamer::Error saying which. Save, restore and run is
// bit-identical to running straight through.
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "actors/gb/console.hpp"
#include "actors/gb/rom.hpp"

namespace dreamer::gb {

inline constexpr std::uint32_t kSnapshotVersion = 3;
inline constexpr std::size_t kSnapshotHeaderSize = 48;

// `rom` is the image `console` runs.
std::vector<std::uint8_t> save_snapshot(const Console& console, const Rom& rom);
void restore_snapshot(Console& console, std::span<const std::uint8_t> bytes, const Rom& rom);

void save_snapshot_file(const Console& console, const Rom& rom, const std::filesystem::path& path);
void restore_snapshot_file(Console& console, const Rom& rom, const std::filesystem::path& path);

}  // namespace dreamer::gb
