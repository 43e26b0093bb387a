#pragma once
// What the world model makes of a batch: every observation beside its
// reconstruction (encoder -> RSSM posterior -> decoder), for reconstruction
// videos and for looking at a run by eye. No gradients, no state change.
//
//   original  fp32 [T, B, 72, 80]  the observation, normalised (shade / 3 - 0.5)
//   decoded   fp32 [T, B, 72, 80]  the decoder's output, same scale, unclamped
//
// Both on the CPU, time-major like PreparedBatch.
#include <torch/types.h>

#include "learner/training_batch.hpp"
#include "learner/world_model.hpp"

namespace dreamer::learner {

struct Reconstruction {
  torch::Tensor original;
  torch::Tensor decoded;
};

Reconstruction reconstruct(WorldModel& world_model, const PreparedBatch& batch);

}  // namespace dreamer::learner
