#include "learner/training_batch.hpp"

#include <torch/torch.h>

#include "common/error.hpp"
#include "common/packed2.hpp"
#include "learner/categorical.hpp"

namespace dreamer::learner {
namespace {

torch::Tensor time_major_float(const torch::Tensor& x, torch::Device device) {
  return x.to(device).to(torch::kFloat32).transpose(0, 1).contiguous();
}

}  // namespace

PreparedBatch prepare_batch(const TrainingBatch& batch, int num_actions, torch::Device device) {
  DREAMER_ASSERT(batch.obs.defined() && batch.obs.dim() == 4 && batch.obs.scalar_type() == torch::kUInt8 &&
                     batch.obs.size(2) == packed2::kHeight && batch.obs.size(3) == packed2::kBytesPerRow,
                 "TrainingBatch.obs must be uint8 [B, T, 72, 20]");
  const auto sizes = batch.obs.sizes().slice(0, 2);
  for (const auto* field : {&batch.action, &batch.reward, &batch.is_first, &batch.is_terminal, &batch.is_truncated}) {
    DREAMER_ASSERT(field->defined() && field->sizes() == sizes, "TrainingBatch fields must all be [B, T] like obs");
  }
  DREAMER_ASSERT(batch.action.scalar_type() == torch::kInt64, "TrainingBatch.action must be int64");

  PreparedBatch prepared;
  prepared.obs = batch.obs.to(device).transpose(0, 1).contiguous();
  prepared.reward = time_major_float(batch.reward, device);
  prepared.is_terminal = time_major_float(batch.is_terminal, device);
  auto is_first = time_major_float(batch.is_first, device);
  is_first[0].fill_(1.0);
  prepared.is_first = is_first;

  // Row t already holds a_{t-1}, the action that led to obs_t (the replay's
  // row convention); episode starts get none.
  const auto action = batch.action.to(device).transpose(0, 1);
  const auto one_hot = one_hot_float(action, num_actions, is_first.options());
  prepared.action_prev = one_hot * torch::rsub(is_first, 1.0).unsqueeze(-1);
  return prepared;
}

}  // namespace dreamer::learner
