#pragma once
// SequenceSampler: draws batches of fixed-length sequences from a ReplayRing
// and copies them out of the ring (the batch never points into the ring).
//
// Distribution: each sequence picks a stream uniformly among the streams whose
// sampleable window (CommitFence) holds at least seq_len steps, then a start
// uniformly among that window's valid starts [begin, end - seq_len]. All
// draws come from one std::mt19937_64 seeded at construction, so a sampler
// whose ring holds the same commits draws the same batches.
//
// Every sampled sequence starts with a reset: is_first is forced to 1 and the
// previous action to 0 at index 0 (DREAMER_FACTS "Alignment and sampling"), so
// the learner treats a mid-episode start like an episode start. Other fields
// are copied as stored.
//
// Consistency: before copying, the sampler pins, per writer group, the
// lowest start it drew there (CommitFence::pin); if a writer has meanwhile
// begun overwriting those steps it redraws from fresh windows
// (pin_retries()). The copy therefore only reads committed steps that no
// writer touches until the sampler releases its pins.
//
// Thread-safety: one thread per sampler; any number of samplers (up to
// ReplayOptions::max_samplers, one reader slot each) may run beside the
// writers. Never blocks: when nothing is sampleable it returns kNotReady
// (pacing is the RateLimiter's job).
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "replay/commit_fence.hpp"
#include "replay/replay_ring.hpp"
#include "replay/sample_batch.hpp"

namespace dreamer::replay {

enum class SampleStatus { kOk, kNotReady };

struct SequenceRef {
  int stream = 0;
  std::uint64_t start_step = 0;
};

class SequenceSampler {
 public:
  // Takes one of the ring's reader slots (dreamer::Error when none is free).
  SequenceSampler(const ReplayRing& ring, std::uint64_t seed);
  ~SequenceSampler();
  SequenceSampler(const SequenceSampler&) = delete;
  SequenceSampler& operator=(const SequenceSampler&) = delete;

  // Draws out.batch_size sequences of out.seq_len steps and copies every
  // field into `out` (observations too when out.observations is set and the
  // ring holds them). out.seq_len must fit the window:
  // 1 <= seq_len <= capacity - commit_stride - safety_margin.
  SampleStatus sample(const SampleBatchView& out);

  // Building blocks for samplers that copy observations elsewhere
  // (DeviceSequenceSampler): draw and pin `refs.size()` sequences; on kOk the
  // caller copies (copy_fields and its own observation copy) and then must
  // call release_pins().
  SampleStatus draw_and_pin(int seq_len, std::vector<SequenceRef>& refs);
  // Copies the drawn sequences' fields into `out` (batch_size == refs.size()),
  // observations only when out.observations is set; forces is_first / action
  // at index 0 and fills stream / start_step.
  void copy_fields(const std::vector<SequenceRef>& refs, const SampleBatchView& out) const;
  void release_pins();

  // The generator's state as text (std::mt19937_64 stream format), for dumps.
  std::string rng_state() const;
  // Throws dreamer::Error when `state` is not such text.
  void set_rng_state(const std::string& state);

  // The per-group windows (CommitFence::window()) that the last successful
  // draw used: every sampled step lies in its group's window.
  const std::vector<StepWindow>& last_windows() const { return windows_; }
  std::uint64_t pin_retries() const { return pin_retries_; }
  int reader_slot() const { return reader_slot_; }

 private:
  const ReplayRing& ring_;
  int reader_slot_;
  std::mt19937_64 rng_;
  std::uint64_t pin_retries_ = 0;
  // Per writer group, reused across calls (no allocation on the hot path).
  std::vector<StepWindow> windows_;
  std::vector<std::uint64_t> valid_starts_;
  std::vector<std::uint64_t> lowest_start_;
  std::vector<char> pinned_;
  std::vector<SequenceRef> refs_;
};

}  // namespace dreamer::replay
