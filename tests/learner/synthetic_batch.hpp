#pragma once
// Synthetic training batches for the learner tests: frames drawn on the host
// and packed with common/packed2.hpp, actions/rewards from a std::mt19937 so
// that batches never touch torch's generator.
#include <cstdint>
#include <random>
#include <vector>

#include <torch/torch.h>

#include "common/packed2.hpp"
#include "learner/training_batch.hpp"

namespace dreamer::learner::testing {

// shades: uint8 [B, T, 72, 80] -> packed2 uint8 [B, T, 72, 20].
inline torch::Tensor pack_shades(const torch::Tensor& shades) {
  const auto flat = shades.reshape({-1, packed2::kPixelsPerFrame}).contiguous();
  auto packed = torch::empty({flat.size(0), packed2::kBytesPerFrame}, torch::kUInt8);
  for (int64_t i = 0; i < flat.size(0); ++i) {
    packed2::pack_frame(flat[i].data_ptr<std::uint8_t>(), packed[i].data_ptr<std::uint8_t>());
  }
  return packed.view({shades.size(0), shades.size(1), packed2::kHeight, packed2::kBytesPerRow});
}

// A bright 16 x 16 block moving across a dark background, position set by
// (b, t); random actions; random rewards; is_first only at t = 0.
inline TrainingBatch moving_block_batch(int64_t batch, int64_t steps, std::uint32_t seed) {
  std::mt19937 rng(seed);
  auto shades = torch::zeros({batch, steps, packed2::kHeight, packed2::kWidth}, torch::kUInt8);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t t = 0; t < steps; ++t) {
      const int64_t x = (8 * (t + 2 * b)) % (packed2::kWidth - 16);
      const int64_t y = (6 * (b + t)) % (packed2::kHeight - 16);
      shades[b][t].slice(0, y, y + 16).slice(1, x, x + 16).fill_(3);
      shades[b][t].slice(0, 0, 2).fill_(1);
    }
  }
  std::uniform_int_distribution<int64_t> action(0, 7);
  std::uniform_real_distribution<float> reward(-1.0f, 1.0f);
  TrainingBatch result;
  result.obs = pack_shades(shades);
  result.action = torch::empty({batch, steps}, torch::kInt64);
  result.reward = torch::empty({batch, steps}, torch::kFloat32);
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t t = 0; t < steps; ++t) {
      result.action[b][t] = action(rng);
      result.reward[b][t] = t == 0 ? 0.0f : reward(rng);
    }
  }
  result.is_first = torch::zeros({batch, steps}, torch::kBool);
  result.is_first.select(1, 0).fill_(true);
  result.is_terminal = torch::zeros({batch, steps}, torch::kBool);
  result.is_truncated = torch::zeros({batch, steps}, torch::kBool);
  return result;
}

}  // namespace dreamer::learner::testing
