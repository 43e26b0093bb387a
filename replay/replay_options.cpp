#include "replay/replay_options.hpp"

#include <cmath>
#include <string>

#include "common/error.hpp"

namespace dreamer::replay {

void ReplayOptions::validate() const {
  if (num_streams < 1) throw ConfigError("num_streams", "must be >= 1, got " + std::to_string(num_streams));
  if (writer_groups < 1 || num_streams % writer_groups != 0)
    throw ConfigError("writer_groups", "must be >= 1 and divide num_streams (" + std::to_string(num_streams) +
                                           "), got " + std::to_string(writer_groups));
  if (seq_len < 2) throw ConfigError("seq_len", "must be >= 2, got " + std::to_string(seq_len));
  if (commit_stride < 1 || commit_stride > seq_len / 2)
    throw ConfigError("commit_stride", "must be in [1, seq_len / 2] = [1, " + std::to_string(seq_len / 2) + "], got " +
                                           std::to_string(commit_stride));
  if (safety_margin < 0) throw ConfigError("safety_margin", "must be >= 0, got " + std::to_string(safety_margin));
  const std::int64_t min_capacity = static_cast<std::int64_t>(seq_len) + commit_stride + safety_margin;
  if (capacity < min_capacity)
    throw ConfigError("capacity", "must be >= seq_len + commit_stride + safety_margin = " +
                                      std::to_string(min_capacity) + ", got " + std::to_string(capacity));
  if (batch_size < 1) throw ConfigError("batch_size", "must be >= 1, got " + std::to_string(batch_size));
  if (max_samplers < 1 || max_samplers > 1024)
    throw ConfigError("max_samplers", "must be in [1, 1024], got " + std::to_string(max_samplers));
  if (!std::isfinite(train_ratio) || train_ratio <= 0.0)
    throw ConfigError("train_ratio", "must be a finite value > 0, got " + std::to_string(train_ratio));
  // With fewer inserted steps no writer group need hold one whole sequence,
  // and the limiter would let learners ask for samples that cannot exist.
  const std::int64_t min_size_floor = static_cast<std::int64_t>(seq_len) * num_streams;
  if (min_size_to_sample < min_size_floor || min_size_to_sample > capacity * num_streams)
    throw ConfigError("min_size_to_sample", "must be in [seq_len * num_streams, capacity * num_streams] = [" +
                                                std::to_string(min_size_floor) + ", " +
                                                std::to_string(capacity * num_streams) + "], got " +
                                                std::to_string(min_size_to_sample));
  // The window [target - error_buffer, target + error_buffer] must hold one
  // sample and one chunk's worth of inserts, or actors and learners can both
  // end up waiting for each other.
  const double min_error_buffer =
      0.5 * (static_cast<double>(replayed_steps_per_sample()) + static_cast<double>(steps_per_chunk()) * train_ratio);
  if (!std::isfinite(error_buffer) || error_buffer < min_error_buffer)
    throw ConfigError("error_buffer",
                      "must be >= (batch_size * seq_len + commit_stride * streams_per_group * "
                      "train_ratio) / 2 = " +
                          std::to_string(min_error_buffer) + " replayed steps, got " + std::to_string(error_buffer));
}

}  // namespace dreamer::replay
