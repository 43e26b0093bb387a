#include "learner/reconstruction.hpp"

#include <torch/torch.h>

#include "learner/packed2_unpack.hpp"

namespace dreamer::learner {

Reconstruction reconstruct(WorldModel& world_model, const PreparedBatch& batch) {
  torch::NoGradGuard no_grad;
  const int64_t steps = batch.obs.size(0);
  const int64_t batch_size = batch.obs.size(1);
  const auto embed = world_model->encoder()->forward(batch.obs.flatten(0, 1)).view({steps, batch_size, -1});
  const auto observation = world_model->rssm()->observe(embed, batch.action_prev, batch.is_first);
  const auto latent = torch::cat({observation.stoch, observation.deter}, -1);
  const auto decoded = world_model->decoder()->forward(latent.flatten(0, 1));
  const auto original = packed2_to_image(batch.obs);
  return {original.to(torch::kCPU, torch::kFloat32).contiguous(),
          decoded.to(torch::kFloat32).view(original.sizes()).to(torch::kCPU).contiguous()};
}

}  // namespace dreamer::learner
