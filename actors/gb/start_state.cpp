#include "actors/gb/start_state.hpp"

#include <cstring>
#include <fstream>
#include <iterator>
#include <vector>

#include "actors/gb/pyboy_state.hpp"
#include "actors/gb/snapshot.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"

namespace dreamer::gb {

Console load_start_state_file(const std::filesystem::path& path, const Rom& rom) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  constexpr char kSnapshotMagic[8] = {'D', 'G', 'B', 'S', 'N', 'A', 'P', '\0'};
  Console console;
  if (bytes.size() >= sizeof(kSnapshotMagic) && std::memcmp(bytes.data(), kSnapshotMagic, 8) == 0) {
    restore_snapshot(console, bytes, rom);
    return console;
  }
  return load_pyboy_state(bytes, rom, path.string());
}

}  // namespace dreamer::gb
