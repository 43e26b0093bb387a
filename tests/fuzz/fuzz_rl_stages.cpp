// Stage lists (states/rl_stages.json, the predecessor's schema;
// actors/env/rl_stages.hpp).
#include "actors/env/rl_stages.hpp"
#include "tests/fuzz/fuzz_entry.hpp"
#include "tests/fuzz/input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dreamer::fuzz::run_loader(data, size, [](std::span<const std::uint8_t> bytes) {
    (void)dreamer::load_rl_stages(dreamer::fuzz::input_file(bytes, "rl_stages.json"));
  });
}
