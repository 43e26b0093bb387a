#include "replay/replay_ring.hpp"

#include <algorithm>
#include <cstring>
#include <string>

#include "common/error.hpp"
#include "replay/step_columns.hpp"

namespace dreamer::replay {
namespace {

constexpr std::size_t kColumnAlignment = HostBlock::kAlignment;

}  // namespace

ReplayRing::ReplayRing(const ReplayOptions& options, ObservationHome observation_home)
    : options_(options), observation_home_(observation_home) {
  options_.validate();
  const std::size_t rows = static_cast<std::size_t>(options_.num_streams) * static_cast<std::size_t>(options_.capacity);
  // Lay the columns out one after another, each page aligned.
  std::size_t offset = 0;
  auto reserve = [&](std::size_t bytes) {
    const std::size_t at = offset;
    offset = HostBlock::align_up(offset + bytes, kColumnAlignment);
    return at;
  };
  const bool host_observations = observation_home_ == ObservationHome::kHost;
  const StepColumns at = StepColumns::reserve(rows, host_observations ? kObservationBytes : 0, reserve);
  block_ = HostBlock(offset);
  at.place(block_.data(), host_observations, columns_);
  std::fill(columns_.stamp, columns_.stamp + rows, kNeverWritten);

  fences_.reserve(static_cast<std::size_t>(options_.writer_groups));
  for (int group = 0; group < options_.writer_groups; ++group) {
    fences_.push_back(std::make_unique<CommitFence>(options_.capacity, options_.commit_stride, options_.safety_margin,
                                                    options_.max_samplers));
  }
  reader_slot_taken_ = std::make_unique<std::atomic<bool>[]>(static_cast<std::size_t>(options_.max_samplers));
}

void ReplayRing::write_step(int stream, std::uint64_t step, const StepFields& fields,
                            const std::uint8_t* packed_observation) {
  DREAMER_ASSERT(stream >= 0 && stream < options_.num_streams, "stream out of range");
  DREAMER_ASSERT(fence(group_of(stream)).chunk_contains(step),
                 "write_step outside the group's open chunk (call begin_chunk first)");
  const std::size_t row = row_of(stream, step);
  if (observation_home_ == ObservationHome::kHost) {
    DREAMER_ASSERT(packed_observation != nullptr, "a host ring needs the packed observation");
    std::memcpy(columns_.observations + row * kObservationBytes, packed_observation, kObservationBytes);
  } else {
    DREAMER_ASSERT(packed_observation == nullptr,
                   "observations of this ring live outside it (write them to its device slots)");
  }
  columns_.action[row] = fields.action;
  columns_.reward[row] = fields.reward;
  columns_.is_first[row] = fields.is_first ? 1 : 0;
  columns_.is_terminal[row] = fields.is_terminal ? 1 : 0;
  columns_.is_truncated[row] = fields.is_truncated ? 1 : 0;
  columns_.continues[row] = fields.is_terminal ? 0.0f : 1.0f;
  columns_.episode_id[row] = fields.episode_id;
  columns_.stamp[row] = step;
}

RingColumns ReplayRing::columns() const {
  RingColumns view;
  view.observations = columns_.observations;
  view.action = columns_.action;
  view.reward = columns_.reward;
  view.is_first = columns_.is_first;
  view.is_terminal = columns_.is_terminal;
  view.is_truncated = columns_.is_truncated;
  view.continues = columns_.continues;
  view.episode_id = columns_.episode_id;
  view.stamp = columns_.stamp;
  return view;
}

MutableRingColumns ReplayRing::mutable_columns() { return columns_; }

int ReplayRing::acquire_reader_slot() const {
  for (int slot = 0; slot < options_.max_samplers; ++slot) {
    bool expected = false;
    if (reader_slot_taken_[static_cast<std::size_t>(slot)].compare_exchange_strong(expected, true)) return slot;
  }
  throw Error("replay ring: all " + std::to_string(options_.max_samplers) +
              " reader slots are taken (raise max_samplers)");
}

void ReplayRing::release_reader_slot(int slot) const {
  DREAMER_ASSERT(slot >= 0 && slot < options_.max_samplers, "reader slot out of range");
  reader_slot_taken_[static_cast<std::size_t>(slot)].store(false);
}

std::int64_t ReplayRing::replay_size() const {
  std::int64_t size = 0;
  for (const auto& group_fence : fences_) {
    const auto committed = static_cast<std::int64_t>(group_fence->committed_steps());
    size += std::min(committed, options_.capacity) * options_.streams_per_group();
  }
  return size;
}

std::int64_t ReplayRing::ready_steps() const {
  std::int64_t ready = 0;
  for (const auto& group_fence : fences_) {
    ready += static_cast<std::int64_t>(group_fence->window().size()) * options_.streams_per_group();
  }
  return ready;
}

std::uint64_t ReplayRing::storage_fingerprint() const {
  std::uint64_t hash = 1469598103934665603ull;
  auto mix = [&hash](std::uint64_t value) {
    for (int byte = 0; byte < 8; ++byte) {
      hash ^= (value >> (8 * byte)) & 0xff;
      hash *= 1099511628211ull;
    }
  };
  mix(reinterpret_cast<std::uintptr_t>(block_.data()));
  mix(block_.size_bytes());
  return hash;
}

}  // namespace dreamer::replay
