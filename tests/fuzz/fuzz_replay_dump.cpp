// Replay dumps (replay/replay_dump.hpp) as --resume reads them: HDF5 bytes
// loaded into a ring of the small test layout that the seed was saved from
// (tests/fuzz/fuzz_seeds.cpp), so a valid seed passes every layout check and
// mutations reach the datasets. Every HDF5 handle must be closed after it.
#include "replay/replay_dump.hpp"
#include "tests/fuzz/fuzz_entry.hpp"
#include "tests/fuzz/hdf5_ids.hpp"
#include "tests/fuzz/input_file.hpp"
#include "tests/replay/replay_test_steps.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return dreamer::fuzz::run_loader(data, size, [](std::span<const std::uint8_t> bytes) {
    using namespace dreamer::replay;
    const ReplayOptions options = testing::small_ring_options();
    ReplayRing ring(options);
    RateLimiter limiter(options);
    SequenceSampler sampler(ring, 1);
    const auto file = dreamer::fuzz::input_file(bytes, "replay.h5");
    dreamer::fuzz::with_hdf5_id_check([&] { load_replay_dump(file, ring, limiter, {&sampler}); });
  });
}
