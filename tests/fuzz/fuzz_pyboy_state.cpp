// PyBoy .state files (actors/gb/pyboy_state.hpp), read for the project's own
// exit-room cartridge; an accepted state runs one frame.
#include "actors/gb/emulator.hpp"
#include "actors/gb/pyboy_state.hpp"
#include "tests/fuzz/fuzz_entry.hpp"
#include "tests/fuzz/own_rom.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dreamer::fuzz::run_loader(data, size, [](std::span<const std::uint8_t> bytes) {
    const dreamer::gb::Rom& rom = dreamer::fuzz::own_rom();
    dreamer::gb::Console console = dreamer::gb::load_pyboy_state(bytes, rom, "fuzz.state");
    dreamer::gb::run_frame(console, rom.view(), dreamer::gb::FrameSink{});
  });
}
