// ROM images: the header checks, bank mapping and cartridge kinds of gb::Rom,
// then power-on and one frame on what it accepts.
#include <vector>

#include "actors/gb/emulator.hpp"
#include "actors/gb/rom.hpp"
#include "tests/fuzz/fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dreamer::fuzz::run_loader(data, size, [](std::span<const std::uint8_t> bytes) {
    const dreamer::gb::Rom rom(std::vector<std::uint8_t>(bytes.begin(), bytes.end()), "fuzz.gb");
    dreamer::gb::Console console{};
    dreamer::gb::power_on(console, rom.view());
    dreamer::gb::run_frame(console, rom.view(), dreamer::gb::FrameSink{});
  });
}
