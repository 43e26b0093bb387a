#pragma once
// ReplayMetrics: the replay component's metric record (DESIGN.md section 9
// keys), read from a ring and its rate limiter at one moment.
//
//   replay_size           committed steps held in the ring, all streams
//   ready_steps           steps inside the sampleable windows, all streams
//   inserts, samples      limiter counters (env steps, updates)
//   replay_ratio          observed train ratio: replayed steps per env step
//   updates_per_env_step  replay_ratio / (batch_size x seq_len)
//   target_replay_ratio   ReplayOptions::train_ratio
//   commit_stride, writer_stalls (chunks that waited for a pinned sampler)
//
// Thread-safety: collect_replay_metrics may run beside writers and samplers;
// the fields are each read atomically but not as one snapshot.
#include <cstdint>

#include <nlohmann/json.hpp>

#include "replay/rate_limiter.hpp"
#include "replay/replay_ring.hpp"

namespace dreamer::replay {

struct ReplayMetrics {
  std::int64_t replay_size = 0;
  std::int64_t ready_steps = 0;
  std::int64_t inserts = 0;
  std::int64_t samples = 0;
  double replay_ratio = 0.0;
  double updates_per_env_step = 0.0;
  double target_replay_ratio = 0.0;
  int commit_stride = 0;
  std::uint64_t writer_stalls = 0;
};

ReplayMetrics collect_replay_metrics(const ReplayRing& ring, const RateLimiter& limiter);

void to_json(nlohmann::json& json, const ReplayMetrics& metrics);

}  // namespace dreamer::replay
