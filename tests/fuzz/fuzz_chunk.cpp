// Trajectory chunks as they arrive from an actor rank
// (common/trajectory/trajectory_chunk.hpp): the decoder checks the header and sizes,
// then every field is read.
#include <cstring>
#include <numeric>
#include <vector>

#include "common/trajectory/trajectory_chunk.hpp"
#include "tests/fuzz/fuzz_entry.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // A received message is 8-byte aligned (decode() requires it); libFuzzer's
  // buffer need not be.
  std::vector<std::uint64_t> aligned((size + 7) / 8);
  if (size > 0) std::memcpy(aligned.data(), data, size);
  return dreamer::fuzz::run_loader(
      reinterpret_cast<const std::uint8_t*>(aligned.data()), size, [](std::span<const std::uint8_t> bytes) {
        const dreamer::TrajectoryChunkView chunk = dreamer::TrajectoryChunkView::decode(bytes);
        const dreamer::ChunkHeader& header = chunk.header();
        unsigned sum = 0;
        for (int t = 0; t < header.steps; ++t) {
          const std::uint8_t* frame = chunk.observation(t, 0);
          sum = std::accumulate(frame, frame + static_cast<std::size_t>(header.num_streams) * 1440, sum);
          for (int s = 0; s < header.num_streams; ++s)
            sum += chunk.action(t)[s] + chunk.is_first(t)[s] + chunk.is_terminal(t)[s] + chunk.is_truncated(t)[s] +
                   static_cast<unsigned>(chunk.episode_id(t)[s]) + static_cast<unsigned>(chunk.reward(t)[s] != 0.0f);
        }
        (void)sum;
      });
}
