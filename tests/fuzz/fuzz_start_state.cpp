// Start state files as a run reads them (actors/gb/start_state.hpp): a
// project snapshot by its magic, else a PyBoy state, for the exit-room ROM.
#include "actors/gb/start_state.hpp"
#include "tests/fuzz/fuzz_entry.hpp"
#include "tests/fuzz/input_file.hpp"
#include "tests/fuzz/own_rom.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dreamer::fuzz::run_loader(data, size, [](std::span<const std::uint8_t> bytes) {
    (void)dreamer::gb::load_start_state_file(dreamer::fuzz::input_file(bytes, "start.state"), dreamer::fuzz::own_rom());
  });
}
