#include "learner/fused_adam.hpp"

#include <ATen/ops/_fused_adam.h>
#include <torch/torch.h>

#include <memory>
#include <tuple>

#include "common/error.hpp"

namespace dreamer::learner {
namespace {

const torch::optim::AdamOptions& single_group_options(torch::optim::Adam& optimizer) {
  DREAMER_ASSERT(optimizer.param_groups().size() == 1, "FusedAdam supports one param group");
  const auto& options = static_cast<const torch::optim::AdamOptions&>(optimizer.param_groups()[0].options());
  if (options.amsgrad()) throw Error("fused Adam: amsgrad is not supported");
  return options;
}

}  // namespace

FusedAdam::FusedAdam(torch::optim::Adam& optimizer) : optimizer_(optimizer) { single_group_options(optimizer_); }

void FusedAdam::step() {
  prepare();
  launch();
  count();
}

bool FusedAdam::prepare() {
  if (bound_to_current_state()) return false;
  bind();
  return true;
}

bool FusedAdam::bound_to_current_state() const {
  if (!bound_) return false;
  const auto& group = optimizer_.param_groups()[0];
  const auto& options = static_cast<const torch::optim::AdamOptions&>(group.options());
  if (options.lr() != lr_ || std::get<0>(options.betas()) != beta1_ || std::get<1>(options.betas()) != beta2_ ||
      options.eps() != eps_ || options.weight_decay() != weight_decay_ || options.amsgrad()) {
    return false;
  }
  const auto& params = group.params();
  if (params.size() != params_.size()) return false;
  const auto& state = optimizer_.state();
  for (size_t i = 0; i < params.size(); ++i) {
    const auto found = state.find(params[i].unsafeGetTensorImpl());
    if (found == state.end() || found->second.get() != states_[i] || !params[i].is_same(params_[i])) return false;
    const auto& adam_state = *states_[i];
    if (!adam_state.exp_avg().is_same(exp_avgs_[i]) || !adam_state.exp_avg_sq().is_same(exp_avg_sqs_[i]) ||
        adam_state.step() != host_steps_[i]) {
      return false;
    }
  }
  return true;
}

void FusedAdam::bind() {
  const auto& options = single_group_options(optimizer_);
  lr_ = options.lr();
  beta1_ = std::get<0>(options.betas());
  beta2_ = std::get<1>(options.betas());
  eps_ = options.eps();
  weight_decay_ = options.weight_decay();
  const auto& params = optimizer_.param_groups()[0].params();
  DREAMER_ASSERT(!params.empty(), "FusedAdam: the optimizer has no parameters");
  params_.assign(params.begin(), params.end());
  exp_avgs_.clear();
  exp_avg_sqs_.clear();
  states_.clear();
  host_steps_.clear();
  auto& state = optimizer_.state();
  for (const auto& param : params_) {
    auto& slot = state[param.unsafeGetTensorImpl()];
    if (!slot) {
      torch::NoGradGuard no_grad;
      auto fresh = std::make_unique<torch::optim::AdamParamState>();
      fresh->step(0);
      fresh->exp_avg(torch::zeros_like(param, torch::MemoryFormat::Preserve));
      fresh->exp_avg_sq(torch::zeros_like(param, torch::MemoryFormat::Preserve));
      slot = std::move(fresh);
    }
    auto* adam_state = static_cast<torch::optim::AdamParamState*>(slot.get());
    states_.push_back(adam_state);
    exp_avgs_.push_back(adam_state->exp_avg());
    exp_avg_sqs_.push_back(adam_state->exp_avg_sq());
    host_steps_.push_back(adam_state->step());
  }
  std::vector<float> steps(host_steps_.begin(), host_steps_.end());
  steps_ = torch::tensor(steps, torch::kFloat32).to(params_.front().device());
  step_views_.clear();
  for (int64_t i = 0; i < steps_.size(0); ++i) step_views_.push_back(steps_[i]);
  bound_ = true;
}

void FusedAdam::launch() {
  DREAMER_ASSERT(bound_, "FusedAdam::launch() needs prepare() first");
  std::vector<torch::Tensor> grads;
  grads.reserve(params_.size());
  for (const auto& param : params_) {
    DREAMER_ASSERT(param.grad().defined(), "FusedAdam: every parameter needs a gradient");
    grads.push_back(param.grad());
  }
  torch::NoGradGuard no_grad;
  steps_.add_(1.0);
  at::_fused_adam_(params_, grads, exp_avgs_, exp_avg_sqs_, {}, step_views_, lr_, beta1_, beta2_, weight_decay_, eps_,
                   /*amsgrad=*/false, /*maximize=*/false);
}

void FusedAdam::count() {
  for (size_t i = 0; i < states_.size(); ++i) {
    states_[i]->step(states_[i]->step() + 1);
    ++host_steps_[i];
  }
}

}  // namespace dreamer::learner
