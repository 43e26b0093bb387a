#include "replay/replay_metrics.hpp"

namespace dreamer::replay {

ReplayMetrics collect_replay_metrics(const ReplayRing& ring, const RateLimiter& limiter) {
  ReplayMetrics metrics;
  metrics.replay_size = ring.replay_size();
  metrics.ready_steps = ring.ready_steps();
  const RateLimiterCounters counters = limiter.counters();
  metrics.inserts = counters.inserts;
  metrics.samples = counters.samples;
  if (counters.inserts > 0) {
    metrics.updates_per_env_step = static_cast<double>(counters.samples) / static_cast<double>(counters.inserts);
    metrics.replay_ratio = metrics.updates_per_env_step * static_cast<double>(limiter.replayed_steps_per_sample());
  }
  metrics.target_replay_ratio = limiter.target_replay_ratio();
  metrics.commit_stride = ring.options().commit_stride;
  for (int group = 0; group < ring.num_groups(); ++group) {
    metrics.writer_stalls += ring.fence(group).writer_stalls();
  }
  return metrics;
}

void to_json(nlohmann::json& json, const ReplayMetrics& metrics) {
  json = nlohmann::json{{"replay_size", metrics.replay_size},
                        {"ready_steps", metrics.ready_steps},
                        {"inserts", metrics.inserts},
                        {"samples", metrics.samples},
                        {"replay_ratio", metrics.replay_ratio},
                        {"updates_per_env_step", metrics.updates_per_env_step},
                        {"target_replay_ratio", metrics.target_replay_ratio},
                        {"commit_stride", metrics.commit_stride},
                        {"writer_stalls", metrics.writer_stalls}};
}

}  // namespace dreamer::replay
