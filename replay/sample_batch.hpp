#pragma once
// SampleBatch: a sampled batch of sequences, [batch, seq_len] per field,
// batch-major then time (index b * seq_len + t):
//
//   observations  uint8  [batch, seq_len, 1440]  packed2, contiguous
//   action        uint8  [batch, seq_len]        a_{t-1} (0 where is_first)
//   reward        float  [batch, seq_len]        reward arriving at obs_t
//   is_first, is_terminal, is_truncated  uint8 [batch, seq_len]
//   continues     float  [batch, seq_len]        1 - is_terminal
//   episode_id    int64  [batch, seq_len]
//   stamp         uint64 [batch, seq_len]        logical step of each row
//   stream        int32  [batch]                 source stream
//   start_step    uint64 [batch]                 logical step of index 0
//
// SampleBatchView is the set of pointers a sampler writes through, so a
// caller can hand in its own (pinned, registered) memory. SampleBatch owns one
// page-aligned HostBlock with all fields, allocated once, that a learner may
// cudaHostRegister as a whole (data() / size_bytes()).
//
// Thread-safety: none; a batch belongs to one thread at a time.
#include <cstddef>
#include <cstdint>

#include "replay/host_block.hpp"

namespace dreamer::replay {

struct SampleBatchView {
  int batch_size = 0;
  int seq_len = 0;
  std::uint8_t* observations = nullptr;  // may be null when observations go elsewhere
  std::uint8_t* action = nullptr;
  float* reward = nullptr;
  std::uint8_t* is_first = nullptr;
  std::uint8_t* is_terminal = nullptr;
  std::uint8_t* is_truncated = nullptr;
  float* continues = nullptr;
  std::int64_t* episode_id = nullptr;
  std::uint64_t* stamp = nullptr;
  std::int32_t* stream = nullptr;
  std::uint64_t* start_step = nullptr;
};

class SampleBatch {
 public:
  // with_observations = false leaves view().observations null (for samplers
  // that gather observations into device memory instead).
  SampleBatch(int batch_size, int seq_len, bool with_observations = true);

  const SampleBatchView& view() const { return view_; }
  int batch_size() const { return view_.batch_size; }
  int seq_len() const { return view_.seq_len; }
  std::uint8_t* data() { return block_.data(); }
  const std::uint8_t* data() const { return block_.data(); }
  std::size_t size_bytes() const { return block_.size_bytes(); }

 private:
  HostBlock block_;
  SampleBatchView view_;
};

}  // namespace dreamer::replay
