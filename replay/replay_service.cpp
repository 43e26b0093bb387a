#include "replay/replay_service.hpp"

#include <string>

#include "common/error.hpp"
#include "replay/replay_dump.hpp"

namespace dreamer::replay {

ReplayService::ReplayService(const ReplayOptions& options)
    : options_(options), ring_(options), limiter_(options), sampler_(ring_, options.seed) {}

void require_chunk_layout(const ChunkHeader& header, const ReplayOptions& options) {
  const int per_group = options.streams_per_group();
  if (header.actor < 0 || header.actor >= options.writer_groups || header.num_streams != per_group ||
      header.first_stream != header.actor * per_group || header.steps != options.commit_stride) {
    throw Error("trajectory chunk from actor " + std::to_string(header.actor) + " (streams " +
                std::to_string(header.first_stream) + "+" + std::to_string(header.num_streams) + ", " +
                std::to_string(header.steps) + " steps) does not match the replay layout (" +
                std::to_string(options.writer_groups) + " groups of " + std::to_string(per_group) + " streams, " +
                std::to_string(options.commit_stride) + " steps per commit)");
  }
}

void write_chunk_steps(ReplayRing& ring, std::uint64_t first_step, const TrajectoryChunkView& chunk,
                       bool with_observations) {
  const ChunkHeader& header = chunk.header();
  for (int t = 0; t < header.steps; ++t) {
    for (int s = 0; s < header.num_streams; ++s) {
      StepFields fields;
      fields.action = chunk.action(t)[s];
      fields.reward = chunk.reward(t)[s];
      fields.is_first = chunk.is_first(t)[s] != 0;
      fields.is_terminal = chunk.is_terminal(t)[s] != 0;
      fields.is_truncated = chunk.is_truncated(t)[s] != 0;
      fields.episode_id = chunk.episode_id(t)[s];
      ring.write_step(header.first_stream + s, first_step + t, fields,
                      with_observations ? chunk.observation(t, s) : nullptr);
    }
  }
}

LimiterStatus ReplayService::insert(const TrajectoryChunkView& chunk, std::chrono::nanoseconds timeout) {
  const ChunkHeader& header = chunk.header();
  require_chunk_layout(header, options_);
  const std::int64_t env_steps = static_cast<std::int64_t>(header.steps) * header.num_streams;
  const LimiterStatus status = limiter_.acquire_insert(env_steps, timeout);
  if (status != LimiterStatus::kOk) return status;
  write_chunk_steps(ring_, ring_.begin_chunk(header.actor), chunk, true);
  ring_.publish_chunk(header.actor);
  limiter_.complete_insert(env_steps);
  return LimiterStatus::kOk;
}

LimiterStatus ReplayService::sample(SampleBatch& batch, std::chrono::nanoseconds timeout) {
  const LimiterStatus status = limiter_.acquire_sample(timeout);
  if (status != LimiterStatus::kOk) return status;
  std::lock_guard<std::mutex> lock(sampler_mutex_);
  if (sampler_.sample(batch.view()) != SampleStatus::kOk)
    throw Error("the rate limiter allowed a sample but no stream holds seq_len committed steps yet");
  return LimiterStatus::kOk;
}

void ReplayService::dump(const std::filesystem::path& path) const {
  save_replay_dump(path, ring_, limiter_, {&sampler_});
}

void ReplayService::load(const std::filesystem::path& path) { load_replay_dump(path, ring_, limiter_, {&sampler_}); }

}  // namespace dreamer::replay
