// .npy arrays (actors/env/npy.hpp): goal templates.
#include "actors/env/npy.hpp"
#include "tests/fuzz/fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dreamer::fuzz::run_loader(
      data, size, [](std::span<const std::uint8_t> bytes) { (void)dreamer::parse_npy_u8(bytes, "fuzz.npy"); });
}
