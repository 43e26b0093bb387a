// Writes seed inputs that no file in the tree provides, one valid example
// each: a trajectory chunk (2 steps x 2 streams), a snapshot of the
// exit-room ROM after power-on and one frame, and a replay dump of the small
// test ring (tests/replay/replay_test_steps.hpp) with written chunks, and
// a run's config.json with the default settings, and, when built with
// LibTorch, a checkpoint of the small learner (tests/fuzz/checkpoint_seed.hpp).
//
//   fuzz_seeds <folder>   -> <folder>/chunk/chunk.bin, <folder>/snapshot/exit_room.snap,
//                            <folder>/replay_dump/replay.h5, <folder>/config/config.json (the defaults),
//                            <folder>/checkpoint/ckpt.h5 (with LibTorch)
#include <cstdio>
#include <filesystem>

#include "actors/gb/emulator.hpp"
#include "actors/gb/snapshot.hpp"
#include "common/config_json.hpp"
#include "common/file_io.hpp"
#include "common/trajectory/trajectory_chunk.hpp"
#include "launch/run_config.hpp"
#include "replay/replay_dump.hpp"
#include "tests/fuzz/own_rom.hpp"
#ifdef DREAMER_FUZZ_CHECKPOINT
#include "tests/fuzz/checkpoint_seed.hpp"
#endif
#include "tests/replay/replay_test_steps.hpp"

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_seeds <folder>\n");
    return 2;
  }
  const std::filesystem::path folder = argv[1];
  std::filesystem::create_directories(folder / "chunk");
  std::filesystem::create_directories(folder / "snapshot");
  dreamer::ChunkHeader header;
  header.num_streams = 2;
  header.steps = 2;
  const dreamer::TrajectoryChunk chunk(header);
  const auto bytes = chunk.encode();
  dreamer::write_file_atomic(folder / "chunk" / "chunk.bin", std::string(bytes.begin(), bytes.end()));
  const dreamer::gb::Rom& rom = dreamer::fuzz::own_rom();
  dreamer::gb::Console console{};
  dreamer::gb::power_on(console, rom.view());
  dreamer::gb::run_frame(console, rom.view(), dreamer::gb::FrameSink{});
  dreamer::gb::save_snapshot_file(console, rom, folder / "snapshot" / "exit_room.snap");
  std::filesystem::create_directories(folder / "replay_dump");
  const dreamer::replay::ReplayOptions options = dreamer::replay::testing::small_ring_options();
  dreamer::replay::ReplayRing ring(options);
  dreamer::replay::testing::write_chunks(ring, 0, 3);
  dreamer::replay::testing::write_chunks(ring, 1, 5);
  const dreamer::replay::RateLimiter limiter(options);
  const dreamer::replay::SequenceSampler sampler(ring, 7);
  dreamer::replay::save_replay_dump(folder / "replay_dump" / "replay.h5", ring, limiter, {&sampler});
  std::filesystem::create_directories(folder / "config");
  dreamer::write_file_atomic(folder / "config" / "config.json", dreamer::config_to_json(dreamer::RunConfig{}));
#ifdef DREAMER_FUZZ_CHECKPOINT
  std::filesystem::create_directories(folder / "checkpoint");
  dreamer::fuzz::write_checkpoint_seed(folder / "checkpoint" / "ckpt.h5");
#endif
  return 0;
}
