#pragma once
// The training batch contract between replay and learner, and its
// preparation into the time-major tensors the model consumes.
//
// TrainingBatch is BATCH-MAJOR [B, T] (what the replay sampler produces), in
// the replay's row convention (DESIGN.md section 6): row t holds obs_t with
// the transition that arrived at it.
//   obs           uint8 [B, T, 72, 20]  packed2 (common/packed2.hpp)
//   action        int64 [B, T]          a_{t-1}: the action that LED to obs_t (0 at is_first)
//   reward        float [B, T]          reward of the transition that arrived at obs_t
//   is_first      bool/float [B, T]     obs_t starts an episode (reset)
//   is_terminal   bool/float [B, T]     obs_t ends the episode for good (goal reached)
//   is_truncated  bool/float [B, T]     obs_t ends it by time limit (not terminal)
//
//   t:            0      1      2      3      4 (is_first)   5
//   obs:          o0     o1     o2     o3     o0'            o1'
//   action[t]:    0      a0     a1     a2     0              a0'    <- fed with obs_t
//   reward[t]:    0      r(a0)  r(a1)  r(a2)  0              r(a0')
//
// The posterior for obs_t is computed from action[t] = a_{t-1} (forced to zero
// at is_first), and the reward/continue heads at t predict reward[t] and
// 1 - is_terminal[t]. Index 0 of every sequence is treated as is_first.
//
// PreparedBatch is TIME-MAJOR [T, B] on the learner's device.
#include <torch/types.h>

namespace dreamer::learner {

struct TrainingBatch {
  torch::Tensor obs;
  torch::Tensor action;
  torch::Tensor reward;
  torch::Tensor is_first;
  torch::Tensor is_terminal;
  torch::Tensor is_truncated;
};

struct PreparedBatch {
  torch::Tensor obs;          // uint8 [T, B, 72, 20]
  torch::Tensor action_prev;  // fp32 one-hot [T, B, A]: a_{t-1}, zero where is_first
  torch::Tensor reward;       // fp32 [T, B]
  torch::Tensor is_first;     // fp32 [T, B], row 0 forced to 1
  torch::Tensor is_terminal;  // fp32 [T, B]
};

// Checks shapes and dtypes (DREAMER_ASSERT: a malformed batch is a
// programmer error) and builds the time-major model inputs on `device`.
PreparedBatch prepare_batch(const TrainingBatch& batch, int num_actions, torch::Device device);

}  // namespace dreamer::learner
