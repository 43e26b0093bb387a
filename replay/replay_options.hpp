#pragma once
// ReplayOptions: the one options struct of the replay component (ring storage,
// commit fences, sequence sampler, rate limiter). Plain values, serialised
// with cereal, checked by validate().
//
// Units, fixed once here and used everywhere in replay/:
//  - a "step" is one env step of one stream (one row of the ring);
//  - capacity, commit_stride, safety_margin and seq_len count steps per stream;
//  - min_size_to_sample counts inserted env steps over all streams;
//  - train_ratio is the official Dreamer v3 "train ratio": replayed steps
//    (batch_size x seq_len per update) per inserted env step; error_buffer is
//    the rate limiter's tolerance on each side, in replayed steps.
#include <cstdint>

#include <cereal/cereal.hpp>

namespace dreamer::replay {

// The defaults are those of a dreamer_learner run without flags (the tiny
// preset's CPU runs); every value is a flag or a config.json field.
struct ReplayOptions {
  // Env streams in the ring (all actors' envs together).
  int num_streams = 16;
  // Writers that commit independently; each owns num_streams / writer_groups
  // consecutive streams and publishes its own commit index.
  int writer_groups = 1;
  // Steps kept per stream (the ring wraps after this many).
  std::int64_t capacity = 4096;
  // Steps per stream in one committed chunk. Must be <= seq_len / 2. The
  // one default of the project: actors and runs take it from here.
  int commit_stride = 4;
  // Extra steps, beyond the chunk being written, that samplers keep away
  // from at the old end of the ring (slack for slow samplers).
  int safety_margin = 8;
  // Sequence length and batch size of one sample (one learner update).
  // A run derives both from the model's TrainOptions (RunConfig), whose
  // defaults these are.
  int seq_len = 16;
  int batch_size = 64;
  // Samplers that may read at the same time (each holds one reader slot).
  int max_samplers = 2;
  // Rate limiter: replayed steps per inserted env step (official train ratio).
  double train_ratio = 16.0;
  // Inserted env steps (all streams) before the first sample is allowed.
  std::int64_t min_size_to_sample = 256;
  // Tolerance around the target, in replayed steps, on each side.
  double error_buffer = 16384.0;
  // Base seed of the samplers' random number generators (each
  // SequenceSampler takes its seed explicitly; give sampler i seed + i).
  std::uint64_t seed = 1;

  int streams_per_group() const { return num_streams / writer_groups; }
  // Replayed steps per update: batch_size x seq_len.
  std::int64_t replayed_steps_per_sample() const { return static_cast<std::int64_t>(batch_size) * seq_len; }
  // Env steps one writer group inserts per commit.
  std::int64_t steps_per_chunk() const { return static_cast<std::int64_t>(commit_stride) * streams_per_group(); }

  // Throws dreamer::ConfigError naming the first field that is out of range.
  void validate() const;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("num_streams", num_streams), cereal::make_nvp("writer_groups", writer_groups),
            cereal::make_nvp("capacity", capacity), cereal::make_nvp("commit_stride", commit_stride),
            cereal::make_nvp("safety_margin", safety_margin), cereal::make_nvp("seq_len", seq_len),
            cereal::make_nvp("batch_size", batch_size), cereal::make_nvp("max_samplers", max_samplers),
            cereal::make_nvp("train_ratio", train_ratio), cereal::make_nvp("min_size_to_sample", min_size_to_sample),
            cereal::make_nvp("error_buffer", error_buffer), cereal::make_nvp("seed", seed));
  }
};

}  // namespace dreamer::replay
