#pragma once
// TinyLearner: a small MLP with a BatchNorm buffer, Adam with two param
// groups, and a std::mt19937_64 that the training data depends on; shared by
// checkpoint_test.cpp and the fresh-process half of the resume test
// (checkpoint_resume_child.cpp), which must train identically.
//
// Each step draws its batch from torch's default CPU generator and a target
// scale from the engine, so a resumed run only matches an uninterrupted one
// when parameters, Adam state, both generators and the step counter are all
// restored.
#include <torch/torch.h>

#include <cstdint>
#include <random>
#include <sstream>
#include <string>

#include "learner/checkpoint.hpp"

namespace dreamer::learner::testing {

class TinyLearner {
 public:
  explicit TinyLearner(std::uint64_t seed, int hidden = 16, int outputs = 3) : engine_(seed) {
    torch::manual_seed(seed);
    model_ = torch::nn::Sequential(torch::nn::Linear(4, hidden), torch::nn::BatchNorm1d(hidden), torch::nn::Tanh(),
                                   torch::nn::Linear(hidden, outputs));
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(model_[0]->parameters(),
                        std::make_unique<torch::optim::AdamOptions>(torch::optim::AdamOptions(1e-2)));
    std::vector<torch::Tensor> rest = model_[1]->parameters();
    for (const torch::Tensor& p : model_[3]->parameters()) rest.push_back(p);
    groups.emplace_back(rest, std::make_unique<torch::optim::AdamOptions>(
                                  torch::optim::AdamOptions(5e-3).betas({0.8, 0.99}).eps(1e-6)));
    optimizer_ = std::make_unique<torch::optim::Adam>(std::move(groups), torch::optim::AdamOptions(1e-3));
  }

  void train(int steps) {
    for (int i = 0; i < steps; ++i) {
      const torch::Tensor inputs = torch::randn({8, 4});
      const double scale = static_cast<double>(engine_() % 1000) / 500.0;
      const torch::Tensor targets = torch::sin(inputs.sum(1, /*keepdim=*/true)).expand({8, outputs()}) * scale;
      optimizer_->zero_grad();
      torch::mse_loss(model_->forward(inputs), targets).backward();
      optimizer_->step();
      ++opt_steps_;
    }
  }

  CheckpointState checkpoint_state() {
    CheckpointState state;
    state.modules = {{"model", model_.ptr().get()}};
    state.optimizers = {{"adam", optimizer_.get()}};
    state.counters = {{"opt_steps", opt_steps_}, {"env_steps", 100 * opt_steps_}};
    std::ostringstream engine_text;
    engine_text << engine_;
    state.rng_states = {{"data_engine", engine_text.str()}};
    state.config_json = R"({"preset": "tiny", "hidden": 16})";
    return state;
  }

  // Takes over the value fields a load filled in.
  void resume_from(const CheckpointState& state) {
    opt_steps_ = state.counters.at("opt_steps");
    std::istringstream engine_text(state.rng_states.at("data_engine"));
    engine_text >> engine_;
  }

  torch::Tensor flat_parameters() {
    std::vector<torch::Tensor> pieces;
    for (const torch::Tensor& p : model_->parameters()) pieces.push_back(p.detach().reshape({-1}));
    for (const torch::Tensor& b : model_->buffers()) pieces.push_back(b.detach().to(torch::kFloat).reshape({-1}));
    return torch::cat(pieces);
  }

  std::int64_t opt_steps() const { return opt_steps_; }
  torch::nn::Sequential& model() { return model_; }
  torch::optim::Adam& optimizer() { return *optimizer_; }

 private:
  int outputs() { return static_cast<int>(model_[3]->as<torch::nn::Linear>()->options.out_features()); }

  torch::nn::Sequential model_{nullptr};
  std::unique_ptr<torch::optim::Adam> optimizer_;
  std::mt19937_64 engine_;
  std::int64_t opt_steps_ = 0;
};

}  // namespace dreamer::learner::testing
