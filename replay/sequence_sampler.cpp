#include "replay/sequence_sampler.hpp"

#include <algorithm>
#include <cstring>
#include <limits>
#include <sstream>

#include "common/error.hpp"

namespace dreamer::replay {
namespace {

constexpr std::uint64_t kNoStart = std::numeric_limits<std::uint64_t>::max();

// Copies `length` rows of one stream starting at ring slot `first_slot`
// (wrapping at `capacity`) to `destination`; each row is `width` elements.
template <class T>
void copy_rows(T* destination, const T* stream_column, std::uint64_t first_slot, int length, std::int64_t capacity,
               std::size_t width) {
  const auto first_run = static_cast<std::size_t>(
      std::min<std::uint64_t>(static_cast<std::uint64_t>(length), static_cast<std::uint64_t>(capacity) - first_slot));
  std::memcpy(destination, stream_column + first_slot * width, first_run * width * sizeof(T));
  const std::size_t second_run = static_cast<std::size_t>(length) - first_run;
  if (second_run > 0) {
    std::memcpy(destination + first_run * width, stream_column, second_run * width * sizeof(T));
  }
}

}  // namespace

SequenceSampler::SequenceSampler(const ReplayRing& ring, std::uint64_t seed)
    : ring_(ring), reader_slot_(ring.acquire_reader_slot()), rng_(seed) {
  const auto groups = static_cast<std::size_t>(ring_.num_groups());
  windows_.resize(groups);
  valid_starts_.resize(groups);
  lowest_start_.resize(groups);
  pinned_.resize(groups);
}

SequenceSampler::~SequenceSampler() {
  release_pins();
  ring_.release_reader_slot(reader_slot_);
}

SampleStatus SequenceSampler::sample(const SampleBatchView& out) {
  refs_.resize(static_cast<std::size_t>(out.batch_size));
  const SampleStatus status = draw_and_pin(out.seq_len, refs_);
  if (status != SampleStatus::kOk) return status;
  copy_fields(refs_, out);
  release_pins();
  return SampleStatus::kOk;
}

SampleStatus SequenceSampler::draw_and_pin(int seq_len, std::vector<SequenceRef>& refs) {
  const ReplayOptions& options = ring_.options();
  const std::int64_t longest = options.capacity - options.commit_stride - options.safety_margin;
  DREAMER_ASSERT(seq_len >= 1 && seq_len <= longest,
                 "sampled seq_len must be in [1, capacity - commit_stride - safety_margin]");
  const int groups = ring_.num_groups();
  const int streams_per_group = options.streams_per_group();
  const auto length = static_cast<std::uint64_t>(seq_len);
  for (;;) {
    std::uint64_t ready_streams = 0;
    for (int group = 0; group < groups; ++group) {
      const auto g = static_cast<std::size_t>(group);
      windows_[g] = ring_.fence(group).window();
      valid_starts_[g] = windows_[g].size() >= length ? windows_[g].size() - length + 1 : 0;
      if (valid_starts_[g] > 0) ready_streams += static_cast<std::uint64_t>(streams_per_group);
      lowest_start_[g] = kNoStart;
    }
    if (ready_streams == 0) return SampleStatus::kNotReady;

    for (SequenceRef& ref : refs) {
      std::uint64_t pick = std::uniform_int_distribution<std::uint64_t>(0, ready_streams - 1)(rng_);
      int group = 0;
      while (valid_starts_[static_cast<std::size_t>(group)] == 0 ||
             pick >= static_cast<std::uint64_t>(streams_per_group)) {
        if (valid_starts_[static_cast<std::size_t>(group)] > 0) pick -= static_cast<std::uint64_t>(streams_per_group);
        ++group;
      }
      const auto g = static_cast<std::size_t>(group);
      ref.stream = group * streams_per_group + static_cast<int>(pick);
      ref.start_step = windows_[g].begin + std::uniform_int_distribution<std::uint64_t>(0, valid_starts_[g] - 1)(rng_);
      lowest_start_[g] = std::min(lowest_start_[g], ref.start_step);
    }

    bool all_pinned = true;
    for (int group = 0; group < groups && all_pinned; ++group) {
      const auto g = static_cast<std::size_t>(group);
      if (lowest_start_[g] == kNoStart) continue;
      pinned_[g] = ring_.fence(group).pin(reader_slot_, lowest_start_[g]) ? 1 : 0;
      all_pinned = pinned_[g] != 0;
    }
    if (all_pinned) return SampleStatus::kOk;
    release_pins();
    ++pin_retries_;
  }
}

void SequenceSampler::copy_fields(const std::vector<SequenceRef>& refs, const SampleBatchView& out) const {
  DREAMER_ASSERT(static_cast<int>(refs.size()) == out.batch_size, "batch view and drawn sequences differ in size");
  const RingColumns ring = ring_.columns();
  const bool copy_observations = out.observations != nullptr;
  DREAMER_ASSERT(!copy_observations || ring.observations != nullptr, "this ring keeps no host observations to copy");
  const std::int64_t capacity = ring_.capacity();
  const int length = out.seq_len;
  for (std::size_t b = 0; b < refs.size(); ++b) {
    const SequenceRef& ref = refs[b];
    const std::size_t stream_row = static_cast<std::size_t>(ref.stream) * static_cast<std::size_t>(capacity);
    const std::uint64_t first_slot = ref.start_step % static_cast<std::uint64_t>(capacity);
    const std::size_t out_row = b * static_cast<std::size_t>(length);
    if (copy_observations) {
      copy_rows(out.observations + out_row * ReplayRing::kObservationBytes,
                ring.observations + stream_row * ReplayRing::kObservationBytes, first_slot, length, capacity,
                ReplayRing::kObservationBytes);
    }
    copy_rows(out.action + out_row, ring.action + stream_row, first_slot, length, capacity, 1);
    copy_rows(out.reward + out_row, ring.reward + stream_row, first_slot, length, capacity, 1);
    copy_rows(out.is_first + out_row, ring.is_first + stream_row, first_slot, length, capacity, 1);
    copy_rows(out.is_terminal + out_row, ring.is_terminal + stream_row, first_slot, length, capacity, 1);
    copy_rows(out.is_truncated + out_row, ring.is_truncated + stream_row, first_slot, length, capacity, 1);
    copy_rows(out.continues + out_row, ring.continues + stream_row, first_slot, length, capacity, 1);
    copy_rows(out.episode_id + out_row, ring.episode_id + stream_row, first_slot, length, capacity, 1);
    copy_rows(out.stamp + out_row, ring.stamp + stream_row, first_slot, length, capacity, 1);
    out.is_first[out_row] = 1;
    out.action[out_row] = 0;
    out.stream[b] = ref.stream;
    out.start_step[b] = ref.start_step;
  }
}

void SequenceSampler::release_pins() {
  for (int group = 0; group < ring_.num_groups(); ++group) {
    const auto g = static_cast<std::size_t>(group);
    if (pinned_[g] != 0) {
      ring_.fence(group).unpin(reader_slot_);
      pinned_[g] = 0;
    }
  }
}

std::string SequenceSampler::rng_state() const {
  std::ostringstream text;
  text << rng_;
  return text.str();
}

void SequenceSampler::set_rng_state(const std::string& state) {
  std::istringstream text(state);
  std::mt19937_64 restored;
  text >> restored;
  if (text.fail()) throw Error("sampler RNG state is not a std::mt19937_64 state");
  rng_ = restored;
}

}  // namespace dreamer::replay
