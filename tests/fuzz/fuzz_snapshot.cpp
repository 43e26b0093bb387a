// The project's console snapshots ("DGBSNAP\0", actors/gb/snapshot.hpp), read
// for the exit-room ROM the seed snapshot was made with.
#include "actors/gb/console.hpp"
#include "actors/gb/snapshot.hpp"
#include "tests/fuzz/fuzz_entry.hpp"
#include "tests/fuzz/own_rom.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dreamer::fuzz::run_loader(data, size, [](std::span<const std::uint8_t> bytes) {
    dreamer::gb::Console console{};
    dreamer::gb::restore_snapshot(console, bytes, dreamer::fuzz::own_rom());
  });
}
