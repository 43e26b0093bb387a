#pragma once
// The ring both replay benchmarks measure, replay_bench (threads in one
// process) and `dreamer_bench replay-mpi` (two ranks), so that their figures
// compare: 64 streams of 4,096 steps in one writer group, chunks of 8 steps,
// samples of 64 sequences x 16 steps, sampling allowed after one sample's
// worth of steps. Each benchmark sets the rate limiter itself.
#include "replay/replay_options.hpp"

namespace dreamer::replay {

inline ReplayOptions benchmark_ring_options() {
  ReplayOptions options;
  options.num_streams = 64;
  options.writer_groups = 1;
  options.capacity = 4096;
  options.commit_stride = 8;
  options.safety_margin = 16;
  options.seq_len = 16;
  options.batch_size = 64;
  options.min_size_to_sample = options.replayed_steps_per_sample();
  return options;
}

}  // namespace dreamer::replay
