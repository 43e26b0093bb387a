#pragma once
// FusedAdam: the step of a torch::optim::Adam as one at::_fused_adam_ call
// over all of its parameters (the kernel behind torch.optim.Adam(fused=True)),
// with the step counts as float tensors on the parameters' device, so that
// the bias corrections are computed by the kernel instead of on the host.
// torch::optim::Adam::step launches several kernels per parameter; this
// launches two per optimizer (steps += 1, then the fused kernel).
//
// The torch::optim::Adam stays the owner of the state: exp_avg, exp_avg_sq
// and the host step() counter live in its AdamParamState, so checkpoints
// read and write them as before. FusedAdam only holds references:
//
//   torch::optim::Adam ── state ──> AdamParamState {step, exp_avg, exp_avg_sq}
//        ^                                  ^   ^
//        | options (lr, betas, eps, wd)     |   | same tensors
//   FusedAdam: params_, exp_avgs_, exp_avg_sqs_, steps_ (float [P], device)
//
//   prepare()  host: binds the lists to the optimizer's state, creating state
//              that is missing as torch::optim::Adam would (zeros, step 0).
//              When the state was replaced (a checkpoint restore) or the
//              options changed, it binds again and reloads the device steps
//              from the host step() counters. Returns true when it (re)bound.
//   launch()   device only: steps += 1, then one fused kernel; no host sync,
//              so it may be captured into a CUDA graph. Needs prepare().
//   count()    host: step() += 1 in every AdamParamState, as torch's step
//              does; call it once per launch() and per replay of a captured
//              launch().
//   step()     prepare(), launch(), count().
//
// Same update as torch::optim::Adam (L2 weight decay, not AdamW); the kernel
// computes in fp32 with fp64 bias corrections, so results agree to rounding.
// Supports one param group without amsgrad (what the agent's make_adam
// builds). Not thread-safe: one thread drives an optimizer.
#include <cstdint>
#include <vector>

#include <torch/optim/adam.h>

namespace dreamer::learner {

class FusedAdam {
 public:
  explicit FusedAdam(torch::optim::Adam& optimizer);

  void step();
  bool prepare();
  void launch();
  void count();

  torch::optim::Adam& optimizer() { return optimizer_; }

 private:
  void bind();
  bool bound_to_current_state() const;

  torch::optim::Adam& optimizer_;
  bool bound_ = false;
  double lr_ = 0.0;
  double beta1_ = 0.0;
  double beta2_ = 0.0;
  double eps_ = 0.0;
  double weight_decay_ = 0.0;
  std::vector<torch::Tensor> params_;
  std::vector<torch::Tensor> exp_avgs_;
  std::vector<torch::Tensor> exp_avg_sqs_;
  std::vector<torch::optim::AdamParamState*> states_;
  std::vector<std::int64_t> host_steps_;
  torch::Tensor steps_;                    // fp32 [P] on the parameters' device
  std::vector<torch::Tensor> step_views_;  // steps_[i], what the kernel reads
};

}  // namespace dreamer::learner
