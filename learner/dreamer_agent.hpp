#pragma once
// DreamerAgent: the learner side of Dreamer v3. Owns the modules, the three
// Adam optimizers and the counters, and runs one full update (world model,
// then imagination + actor + critic, then the slow-critic EMA).
//
//   update(batch):
//     world model:  encoder -> RSSM.observe (a_{t-1}) -> decoder / reward / continue
//                   loss = mean_{t,b}(obs_nll + reward_nll + continue_nll + KL term)
//                   backward -> [gradient hook] -> clip 1000 -> Adam step
//     imagination:  from every posterior (detached), 15 prior steps, actor samples
//                   rewards/values = two-hot means, continues = mode, c_0 from data
//                   lambda-returns, ReturnEMA (quantiles -> [quantile hook] -> EMA)
//     actor:        -mean(w * (log pi(a) * adv + 3e-4 * H))    -> hook -> clip 100 -> step
//     critic:       mean(w * (NLL(R) + NLL(slow critic mean)))  -> hook -> clip 100 -> step
//     slow critic:  slow <- 0.98 * slow + 0.02 * critic  (every update)
//
// The update runs as five segments with host work between them:
//
//   [world_model] hook(model) [imagination] quantile hook [actor] hook(actor)
//   [critic] hook(critic) [finish: slow critic, metrics]
//
// Each gradient hook is followed by clipping and the Adam step: on the host
// between segments (torch::optim::Adam), or with train.fused_adam on CUDA at
// the start of the next segment (FusedAdam, one kernel per optimizer). With
// train.cuda_graphs on CUDA the segments become CUDA graphs (UpdateGraphs):
// the batch is copied into static tensors, every tensor that crosses a
// segment lives in UpdatePass across updates, and the metrics are copied
// out of the graphs' static tensor. On CPU both options are ignored.
//
// Plug-in points for checkpointing and multi-learner training:
//  - named_modules(): world_model, actor, critic, slow_critic, return_ema
//    (torch::nn::Module, use named_parameters() / named_buffers()).
//  - named_optimizers(): model, actor, critic (torch::optim::Adam).
//  - counters(): updates done (host; also with CUDA graphs). Adam's step()
//    counters stay in the optimizers' state with fused Adam too.
//  - set_gradient_hook(): called after backward(), before clipping and the
//    optimizer step, with the group's gradients (one tensor per parameter,
//    in parameters() order, every one defined). Modify them in place (e.g.
//    all-reduce and divide by the world size) or replace entries (with
//    CUDA graphs replaced entries are copied into the gradients, whose
//    addresses the graphs hold).
//  - set_quantile_hook(): called with the fp32 [2] tensor of this update's
//    return quantiles before they enter the EMA, so learners can average them.
// Not thread-safe: one thread drives an agent.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <torch/nn/module.h>
#include <torch/optim/adam.h>

#include "learner/actor.hpp"
#include "learner/dreamer_options.hpp"
#include "learner/fused_adam.hpp"
#include "learner/mlp_head.hpp"
#include "learner/return_ema.hpp"
#include "learner/training_batch.hpp"
#include "learner/update_graphs.hpp"
#include "learner/update_metrics.hpp"
#include "learner/world_model.hpp"

namespace dreamer::learner {

enum class ParameterGroup { kModel, kActor, kCritic };

using GradientHook = std::function<void(ParameterGroup group, std::vector<torch::Tensor>& grads)>;
using QuantileHook = std::function<void(torch::Tensor& quantiles)>;

struct AgentCounters {
  int64_t updates = 0;
};

class DreamerAgent {
 public:
  DreamerAgent(const DreamerOptions& options, torch::Device device);
  ~DreamerAgent();
  DreamerAgent(const DreamerAgent&) = delete;
  DreamerAgent& operator=(const DreamerAgent&) = delete;

  UpdateMetrics update(const TrainingBatch& batch);

  WorldModel& world_model() { return world_model_; }
  Actor& actor() { return actor_; }
  MlpHead& critic() { return critic_; }
  MlpHead& slow_critic() { return slow_critic_; }
  ReturnEma& return_ema() { return return_ema_; }
  std::vector<std::pair<std::string, std::shared_ptr<torch::nn::Module>>> named_modules();

  torch::optim::Adam& model_optimizer() { return *model_optimizer_; }
  torch::optim::Adam& actor_optimizer() { return *actor_optimizer_; }
  torch::optim::Adam& critic_optimizer() { return *critic_optimizer_; }
  std::vector<std::pair<std::string, torch::optim::Adam*>> named_optimizers();

  AgentCounters& counters() { return counters_; }
  const AgentCounters& counters() const { return counters_; }

  void set_gradient_hook(GradientHook hook) { gradient_hook_ = std::move(hook); }
  void set_quantile_hook(QuantileHook hook) { quantile_hook_ = std::move(hook); }

  // True with train.cuda_graphs once the graphs are captured: every later
  // update replays them (after kGraphWarmupUpdates eager updates and one
  // capturing update).
  bool graphs_captured() const { return graphs_ && graphs_->captured(); }

  // The Player's weights (encoder, RSSM, actor parameters, in that order);
  // the tensors share storage with the live parameters.
  std::vector<torch::Tensor> player_weights();

  const DreamerOptions& options() const { return options_; }
  torch::Device device() const { return device_; }
  const torch::Tensor& bins() const { return bins_; }

 private:
  struct UpdatePass;
  void run_update(const TrainingBatch& batch);
  void segment(const std::string& name, const std::function<void()>& body);
  void copy_to_static_batch(const TrainingBatch& batch);
  bool prepare_fused_optimizers();
  void train_world_model(const PreparedBatch& batch);
  void imagine_returns();
  void apply_quantile_hook();
  void train_actor();
  void train_critic();
  void collect_metrics();
  void after_backward(ParameterGroup group);
  void fused_step(ParameterGroup group);
  torch::Tensor clip_and_step(ParameterGroup group, const std::vector<torch::Tensor>& grads);
  void record_grad_norm(ParameterGroup group, const torch::Tensor& norm);
  void update_slow_critic();

  DreamerOptions options_;
  torch::Device device_;
  torch::Tensor bins_;
  WorldModel world_model_{nullptr};
  Actor actor_{nullptr};
  MlpHead critic_{nullptr};  // two-hot heads over the latent
  MlpHead slow_critic_{nullptr};
  ReturnEma return_ema_{nullptr};
  std::unique_ptr<torch::optim::Adam> model_optimizer_;
  std::unique_ptr<torch::optim::Adam> actor_optimizer_;
  std::unique_ptr<torch::optim::Adam> critic_optimizer_;
  // CUDA with train.fused_adam: one per optimizer, in ParameterGroup order.
  std::vector<std::unique_ptr<FusedAdam>> fused_optimizers_;
  // CUDA with train.cuda_graphs.
  std::unique_ptr<UpdateGraphs> graphs_;
  std::unique_ptr<UpdatePass> pass_;
  AgentCounters counters_;
  GradientHook gradient_hook_;
  QuantileHook quantile_hook_;
};

}  // namespace dreamer::learner
