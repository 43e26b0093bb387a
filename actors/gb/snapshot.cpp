#include "actors/gb/snapshot.hpp"

#include <array>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/sha256.hpp"

namespace dreamer::gb {
namespace {

constexpr char kMagic[8] = {'D', 'G', 'B', 'S', 'N', 'A', 'P', '\0'};

constexpr std::size_t kRomShaAt = 16;

std::uint32_t read_u32(const std::uint8_t* p) {
  std::uint32_t value;
  std::memcpy(&value, p, 4);
  return value;
}

}  // namespace

std::vector<std::uint8_t> save_snapshot(const Console& console, const Rom& rom) {
  std::vector<std::uint8_t> bytes(kSnapshotHeaderSize + sizeof(Console));
  const std::uint32_t version = kSnapshotVersion;
  const std::uint32_t size = sizeof(Console);
  std::memcpy(bytes.data(), kMagic, 8);
  std::memcpy(bytes.data() + 8, &version, 4);
  std::memcpy(bytes.data() + 12, &size, 4);
  const std::array<std::uint8_t, 32> sha = sha256_digest(rom.bytes());
  std::memcpy(bytes.data() + kRomShaAt, sha.data(), sha.size());
  std::memcpy(bytes.data() + kSnapshotHeaderSize, &console, sizeof(Console));
  return bytes;
}

void restore_snapshot(Console& console, std::span<const std::uint8_t> bytes, const Rom& rom) {
  if (bytes.size() < 16) throw Error("snapshot: " + std::to_string(bytes.size()) + " bytes is shorter than its header");
  if (std::memcmp(bytes.data(), kMagic, 8) != 0) throw Error("snapshot: bad magic at offset 0 (not a DGBSNAP file)");
  const std::uint32_t version = read_u32(bytes.data() + 8);
  if (version != kSnapshotVersion) {
    throw Error("snapshot: version " + std::to_string(version) + " at offset 8, expected " +
                std::to_string(kSnapshotVersion));
  }
  const std::uint32_t size = read_u32(bytes.data() + 12);
  if (size != sizeof(Console) || bytes.size() != kSnapshotHeaderSize + sizeof(Console)) {
    throw Error("snapshot: payload size " + std::to_string(size) + " at offset 12 (file " +
                std::to_string(bytes.size()) + " bytes), expected " + std::to_string(sizeof(Console)));
  }
  if (std::memcmp(bytes.data() + kRomShaAt, sha256_digest(rom.bytes()).data(), 32) != 0)
    throw Error("snapshot: made with another ROM image than '" + rom.title() +
                "' (ROM SHA-256 at offset 16 differs): start states belong to the game they were saved from");
  Console loaded;
  std::memcpy(&loaded, bytes.data() + kSnapshotHeaderSize, sizeof(Console));
  if (loaded.header.magic != kConsoleMagic || loaded.header.version != kConsoleVersion ||
      loaded.header.size != sizeof(Console)) {
    throw Error("snapshot: console state header at offset 16 does not match this build (version " +
                std::to_string(loaded.header.version) + ")");
  }
  console = loaded;
}

void save_snapshot_file(const Console& console, const Rom& rom, const std::filesystem::path& path) {
  const std::vector<std::uint8_t> bytes = save_snapshot(console, rom);
  std::ofstream file(path, std::ios::binary);
  if (!file) throw Error("snapshot '" + path.string() + "': cannot open for writing");
  file.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  if (!file) throw Error("snapshot '" + path.string() + "': write failed");
}

void restore_snapshot_file(Console& console, const Rom& rom, const std::filesystem::path& path) {
  restore_snapshot(console, read_file_bytes(path), rom);
}

}  // namespace dreamer::gb
