#pragma once
// Recurrent state-space model of Dreamer v3 with discrete latents.
//
// State s = (h, z): h deterministic [N, deter], z stochastic one-hot
// [N, vars * classes] (flattened). Latent fed to heads = concat(z, h).
//
// One step (inputs z_prev, h_prev, a_prev, embed, is_first):
//   where is_first: a_prev := 0, h_prev := h0, z_prev := z0
//     h0 = tanh(initial_deter parameter), z0 = mode of prior(h0)
//   x     = SiLU(LN(Linear_nobias(concat(z_prev, a_prev))))
//   h     = LayerNormGru(x, h_prev)
//   prior = Linear(SiLU(LN(Linear_nobias(h))))                -> logits [vars, classes]
//   post  = Linear(SiLU(LN(Linear_nobias(concat(h, embed))))) -> logits [vars, classes]
//   z     = straight-through sample of unimix(post)   (imagination: of unimix(prior))
//
// Alignment in observe(): row t of action_prev is a_{t-1}, the action that
// led to obs_t (the caller shifts; see training_batch.hpp). The RSSM applies
// the is_first reset itself, so rows at is_first may hold anything.
//
// Everything here runs in fp32: autocast is disabled inside and inputs are
// cast to fp32.
#include <ATen/core/Generator.h>
#include <torch/nn/module.h>
#include <torch/nn/modules/linear.h>
#include <torch/nn/modules/normalization.h>
#include <torch/nn/pimpl.h>

#include <cereal/cereal.hpp>
#include <optional>

#include "learner/actor.hpp"
#include "learner/layer_norm_gru.hpp"
#include "learner/mlp.hpp"

namespace dreamer::learner {

struct RssmOptions {
  int deter = 512;
  int hidden = 256;
  int stoch_vars = 32;
  int stoch_classes = 32;
  int num_actions = 8;
  int embed_size = 5760;
  double unimix = 0.01;
  double layer_norm_eps = 1e-3;

  int stoch_size() const { return stoch_vars * stoch_classes; }
  int latent_size() const { return stoch_size() + deter; }

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("deter", deter), cereal::make_nvp("hidden", hidden),
            cereal::make_nvp("stoch_vars", stoch_vars), cereal::make_nvp("stoch_classes", stoch_classes),
            cereal::make_nvp("num_actions", num_actions), cereal::make_nvp("embed_size", embed_size),
            cereal::make_nvp("unimix", unimix), cereal::make_nvp("layer_norm_eps", layer_norm_eps));
  }
  void validate() const;
};

struct RssmState {
  torch::Tensor deter;  // h [N, deter]
  torch::Tensor stoch;  // z [N, vars * classes]
};

// observe() over a sequence, time-major.
struct RssmObservation {
  torch::Tensor deter;         // [T, B, deter]
  torch::Tensor stoch;         // [T, B, vars * classes], posterior samples
  torch::Tensor post_logits;   // [T, B, vars, classes]
  torch::Tensor prior_logits;  // [T, B, vars, classes]
  RssmState last;              // state after the final step
};

// imagine() from N start states.
struct RssmImagination {
  torch::Tensor latents;  // [H + 1, N, latent]: index 0 is the start state
  torch::Tensor actions;  // [H + 1, N, num_actions] one-hot; actions[i] taken in latents[i]
};

class RssmImpl : public torch::nn::Module {
 public:
  explicit RssmImpl(const RssmOptions& options);

  // (h0, z0) expanded to `batch` rows.
  RssmState initial_state(int64_t batch);

  // One posterior step; `is_first` [N] (bool or float). post_logits is
  // optional output [N, vars, classes]. The sample comes from `generator`
  // or else the default generator.
  RssmState observe_step(const RssmState& previous, const torch::Tensor& action_prev, const torch::Tensor& embed,
                         const torch::Tensor& is_first, torch::Tensor* post_logits = nullptr,
                         const std::optional<at::Generator>& generator = std::nullopt);

  // embed [T, B, E], action_prev [T, B, A] (one-hot float, a_{t-1}),
  // is_first [T, B]. Row 0 must be is_first or `start` must be given.
  RssmObservation observe(const torch::Tensor& embed, const torch::Tensor& action_prev, const torch::Tensor& is_first,
                          const RssmState* start = nullptr);

  // Rolls the prior `horizon` steps with actions from `actor` (sampled on
  // detached latents). Run it under NoGradGuard for behaviour learning.
  RssmImagination imagine(Actor& actor, const RssmState& start, int horizon);

  // Building blocks.
  torch::Tensor recurrent(const torch::Tensor& deter_prev, const torch::Tensor& stoch_prev,
                          const torch::Tensor& action_prev);
  torch::Tensor prior_logits(const torch::Tensor& deter);
  torch::Tensor posterior_logits(const torch::Tensor& deter, const torch::Tensor& embed);
  torch::Tensor latent(const RssmState& state) const;

  const RssmOptions& options() const { return options_; }

 private:
  torch::Tensor logits_view(const torch::Tensor& flat) const;
  // observe_step with (h0, z0) already computed and the reset mask applied to
  // the action: action_prev is fp32 and zero at is_first rows, `first` is
  // bool [N, 1] (observe() does all of this once for every step).
  RssmState step_from(const RssmState& previous, const RssmState& initial, const torch::Tensor& action_prev,
                      const torch::Tensor& embed, const torch::Tensor& first, torch::Tensor* post_logits,
                      const std::optional<at::Generator>& generator = std::nullopt);

  RssmOptions options_;
  torch::Tensor initial_deter_;
  torch::nn::Linear input_linear_{nullptr};
  torch::nn::LayerNorm input_norm_{nullptr};
  LayerNormGru gru_{nullptr};
  Mlp prior_mlp_{nullptr};
  torch::nn::Linear prior_output_{nullptr};
  Mlp posterior_mlp_{nullptr};
  torch::nn::Linear posterior_output_{nullptr};
};
TORCH_MODULE(Rssm);

}  // namespace dreamer::learner
