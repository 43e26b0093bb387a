// A run's config.json as `dreamer_learner --resume` and dreamer_eval read it
// (launch/run_config.hpp): the JSON syntax check, cereal's reader over every
// field, then the validation of every value.
#include <string>

#include "common/config_json.hpp"
#include "launch/run_config.hpp"
#include "tests/fuzz/fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dreamer::fuzz::run_loader(data, size, [](std::span<const std::uint8_t> bytes) {
    const std::string text(bytes.begin(), bytes.end());
    (void)dreamer::config_from_json<dreamer::RunConfig>(text, "config.json");
  });
}
