#pragma once
// StepColumns: where the per-step columns (one entry per stored step) sit in
// a HostBlock. The ring and the sample batches lay the same columns out in
// the same order, each in one block:
//
//   observations | action | reward | is_first | is_terminal | is_truncated |
//   continues | episode_id | stamp        (then any columns of the owner)
//
// Columns is any struct with those pointer fields (RingColumnsOf,
// SampleBatchView).
#include <cstddef>
#include <cstdint>

namespace dreamer::replay {

struct StepColumns {
  std::size_t observations = 0, action = 0, reward = 0, is_first = 0, is_terminal = 0, is_truncated = 0, continues = 0,
              episode_id = 0, stamp = 0;

  // Reserves the columns of `rows` steps with `reserve_bytes(bytes)`, which
  // returns a column's offset; `observation_bytes` per step (0: none).
  template <class Reserve>
  static StepColumns reserve(std::size_t rows, std::size_t observation_bytes, Reserve&& reserve_bytes) {
    StepColumns at;
    at.observations = reserve_bytes(rows * observation_bytes);
    at.action = reserve_bytes(rows);
    at.reward = reserve_bytes(rows * sizeof(float));
    at.is_first = reserve_bytes(rows);
    at.is_terminal = reserve_bytes(rows);
    at.is_truncated = reserve_bytes(rows);
    at.continues = reserve_bytes(rows * sizeof(float));
    at.episode_id = reserve_bytes(rows * sizeof(std::int64_t));
    at.stamp = reserve_bytes(rows * sizeof(std::uint64_t));
    return at;
  }

  // Points the fields of `columns` at these offsets of `base`; observations
  // stay as they are unless `with_observations`.
  template <class Columns>
  void place(std::uint8_t* base, bool with_observations, Columns& columns) const {
    if (with_observations) columns.observations = base + observations;
    columns.action = base + action;
    columns.reward = reinterpret_cast<float*>(base + reward);
    columns.is_first = base + is_first;
    columns.is_terminal = base + is_terminal;
    columns.is_truncated = base + is_truncated;
    columns.continues = reinterpret_cast<float*>(base + continues);
    columns.episode_id = reinterpret_cast<std::int64_t*>(base + episode_id);
    columns.stamp = reinterpret_cast<std::uint64_t*>(base + stamp);
  }
};

}  // namespace dreamer::replay
