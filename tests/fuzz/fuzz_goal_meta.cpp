// Goal template metadata (goal_template.meta.json; actors/env/goal_template.hpp).
#include "actors/env/goal_template.hpp"
#include "tests/fuzz/fuzz_entry.hpp"
#include "tests/fuzz/input_file.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dreamer::fuzz::run_loader(data, size, [](std::span<const std::uint8_t> bytes) {
    (void)dreamer::load_goal_meta(dreamer::fuzz::input_file(bytes, "goal_template.meta.json"));
  });
}
