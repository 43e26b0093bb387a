#pragma once
// Configuration of the Dreamer v3 learner: network sizes (ModelOptions, shared
// with the Player that actors run) and update hyper-parameters
// (TrainOptions). Plain structs, cereal-serialisable, torch-free so that
// launchers and config tools can include them cheaply.
//
// Presets (DreamerOptions::preset(name)):
//   tiny     CPU tests: cnn 4 (4/8/16 channels), deter 64, hidden/dense 64,
//            stoch 8 x 8, batch 4 x 8.
//   default  deter 512, hidden/dense 256, cnn 16 (16/32/64), stoch 32 x 32,
//            batch 64 x 16 (the predecessor's size).
//   bench    the benchmark config: batch 32 x 16, hidden/dense 512, cnn 32
//            (32/64/128), deter 512, stoch 32 x 32.
//   large    deter 2048, hidden/dense 768, cnn 48 (48/96/192), 4 MLP layers,
//            batch 16 x 64 (roughly sheeprl's L size).
// The CNN has three stages with channels cnn_multiplier * (1, 2, 4).
#include <string>

#include <cereal/cereal.hpp>

namespace dreamer::learner {

// Network sizes; everything that decides parameter shapes lives here.
struct ModelOptions {
  int cnn_multiplier = 16;  // encoder/decoder channels = multiplier * (1, 2, 4)
  int deter = 512;          // GRU state size
  int hidden = 256;         // RSSM MLP width (input, prior, posterior)
  int dense = 256;          // head MLP width (decoder input excluded)
  int mlp_layers = 2;       // hidden layers in reward/continue/actor/critic MLPs
  int stoch_vars = 32;      // categorical variables in z
  int stoch_classes = 32;   // classes per variable
  int num_actions = 8;      // pokemonred_puffer_v1 action codec
  double unimix = 0.01;     // uniform mixture for latents and actor
  double layer_norm_eps = 1e-3;

  int stoch_size() const { return stoch_vars * stoch_classes; }
  int latent_size() const { return stoch_size() + deter; }

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("cnn_multiplier", cnn_multiplier), cereal::make_nvp("deter", deter),
            cereal::make_nvp("hidden", hidden), cereal::make_nvp("dense", dense),
            cereal::make_nvp("mlp_layers", mlp_layers), cereal::make_nvp("stoch_vars", stoch_vars),
            cereal::make_nvp("stoch_classes", stoch_classes), cereal::make_nvp("num_actions", num_actions),
            cereal::make_nvp("unimix", unimix), cereal::make_nvp("layer_norm_eps", layer_norm_eps));
  }
  void validate() const;
};

// Update hyper-parameters (losses, imagination, optimizers).
struct TrainOptions {
  int batch_size = 64;
  int seq_len = 16;
  int horizon = 15;  // imagination steps from every posterior
  double gamma = 1.0 - 1.0 / 333.0;
  double lambda = 0.95;
  double kl_dyn_scale = 0.5;
  double kl_rep_scale = 0.1;
  double kl_free_bits = 1.0;  // nats per (t, b), summed over variables
  double actor_entropy = 3e-4;
  double slow_critic_rate = 0.02;  // EMA rate, applied every update
  double slow_critic_reg = 1.0;    // weight of the NLL toward the slow critic
  double return_ema_decay = 0.99;
  double return_low_percentile = 0.05;
  double return_high_percentile = 0.95;
  double return_max_scale = 1.0;  // scale = max(this, p_high - p_low)
  double model_lr = 1e-4;
  double actor_lr = 8e-5;
  double critic_lr = 8e-5;
  double adam_eps = 1e-8;
  double model_grad_clip = 1000.0;
  double actor_grad_clip = 100.0;
  double critic_grad_clip = 100.0;
  bool autocast_bf16 = false;  // CUDA only: bf16 autocast outside the RSSM
  // CUDA only (ignored on CPU): each optimizer step is one at::_fused_adam_
  // call over all of its parameters (learner/fused_adam.hpp). On by default.
  bool fused_adam = true;
  // CUDA only (ignored on CPU): the update replays CUDA graphs captured after
  // warm-up updates (learner/update_graphs.hpp). On by default: the same
  // parameters as eager updates, ~1.5x faster (docs/performance.md).
  bool cuda_graphs = true;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("batch_size", batch_size), cereal::make_nvp("seq_len", seq_len),
            cereal::make_nvp("horizon", horizon), cereal::make_nvp("gamma", gamma), cereal::make_nvp("lambda", lambda),
            cereal::make_nvp("kl_dyn_scale", kl_dyn_scale), cereal::make_nvp("kl_rep_scale", kl_rep_scale),
            cereal::make_nvp("kl_free_bits", kl_free_bits), cereal::make_nvp("actor_entropy", actor_entropy),
            cereal::make_nvp("slow_critic_rate", slow_critic_rate),
            cereal::make_nvp("slow_critic_reg", slow_critic_reg),
            cereal::make_nvp("return_ema_decay", return_ema_decay),
            cereal::make_nvp("return_low_percentile", return_low_percentile),
            cereal::make_nvp("return_high_percentile", return_high_percentile),
            cereal::make_nvp("return_max_scale", return_max_scale), cereal::make_nvp("model_lr", model_lr),
            cereal::make_nvp("actor_lr", actor_lr), cereal::make_nvp("critic_lr", critic_lr),
            cereal::make_nvp("adam_eps", adam_eps), cereal::make_nvp("model_grad_clip", model_grad_clip),
            cereal::make_nvp("actor_grad_clip", actor_grad_clip),
            cereal::make_nvp("critic_grad_clip", critic_grad_clip), cereal::make_nvp("autocast_bf16", autocast_bf16),
            cereal::make_nvp("fused_adam", fused_adam), cereal::make_nvp("cuda_graphs", cuda_graphs));
  }
  void validate() const;
};

struct DreamerOptions {
  ModelOptions model;
  TrainOptions train;

  // "tiny", "small", "default", "bench" or "large"; throws ConfigError otherwise.
  static DreamerOptions preset(const std::string& name);

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("model", model), cereal::make_nvp("train", train));
  }
  void validate() const;
};

}  // namespace dreamer::learner
