#include "learner/dreamer_options.hpp"

#include "common/error.hpp"

namespace dreamer::learner {
namespace {

void require_positive(int value, const char* field) {
  if (value <= 0) throw ConfigError(field, "must be > 0, got " + std::to_string(value));
}

void require_range(double value, double low, double high, const char* field) {
  if (!(value >= low && value <= high)) {
    throw ConfigError(
        field, "must lie in [" + std::to_string(low) + ", " + std::to_string(high) + "], got " + std::to_string(value));
  }
}

}  // namespace

void ModelOptions::validate() const {
  require_positive(cnn_multiplier, "model.cnn_multiplier");
  require_positive(deter, "model.deter");
  require_positive(hidden, "model.hidden");
  require_positive(dense, "model.dense");
  require_positive(mlp_layers, "model.mlp_layers");
  require_positive(stoch_vars, "model.stoch_vars");
  if (stoch_classes < 2) throw ConfigError("model.stoch_classes", "must be >= 2");
  if (num_actions < 2) throw ConfigError("model.num_actions", "must be >= 2");
  require_range(unimix, 0.0, 0.999, "model.unimix");
  if (!(layer_norm_eps > 0.0)) throw ConfigError("model.layer_norm_eps", "must be > 0");
}

void TrainOptions::validate() const {
  require_positive(batch_size, "train.batch_size");
  if (seq_len < 2) throw ConfigError("train.seq_len", "must be >= 2");
  require_positive(horizon, "train.horizon");
  require_range(gamma, 0.0, 1.0, "train.gamma");
  require_range(lambda, 0.0, 1.0, "train.lambda");
  require_range(kl_dyn_scale, 0.0, 1e6, "train.kl_dyn_scale");
  require_range(kl_rep_scale, 0.0, 1e6, "train.kl_rep_scale");
  require_range(kl_free_bits, 0.0, 1e6, "train.kl_free_bits");
  require_range(actor_entropy, 0.0, 1e6, "train.actor_entropy");
  require_range(slow_critic_rate, 0.0, 1.0, "train.slow_critic_rate");
  require_range(slow_critic_reg, 0.0, 1e6, "train.slow_critic_reg");
  require_range(return_ema_decay, 0.0, 1.0, "train.return_ema_decay");
  require_range(return_low_percentile, 0.0, 1.0, "train.return_low_percentile");
  require_range(return_high_percentile, 0.0, 1.0, "train.return_high_percentile");
  if (!(return_low_percentile < return_high_percentile)) {
    throw ConfigError("train.return_high_percentile", "must exceed return_low_percentile");
  }
  if (!(return_max_scale > 0.0)) throw ConfigError("train.return_max_scale", "must be > 0");
  if (!(model_lr > 0.0)) throw ConfigError("train.model_lr", "must be > 0");
  if (!(actor_lr > 0.0)) throw ConfigError("train.actor_lr", "must be > 0");
  if (!(critic_lr > 0.0)) throw ConfigError("train.critic_lr", "must be > 0");
  if (!(adam_eps > 0.0)) throw ConfigError("train.adam_eps", "must be > 0");
  if (!(model_grad_clip > 0.0)) throw ConfigError("train.model_grad_clip", "must be > 0");
  if (!(actor_grad_clip > 0.0)) throw ConfigError("train.actor_grad_clip", "must be > 0");
  if (!(critic_grad_clip > 0.0)) throw ConfigError("train.critic_grad_clip", "must be > 0");
}

void DreamerOptions::validate() const {
  model.validate();
  train.validate();
}

DreamerOptions DreamerOptions::preset(const std::string& name) {
  DreamerOptions options;
  if (name == "default") return options;
  if (name == "tiny") {
    options.model.cnn_multiplier = 4;
    options.model.deter = 64;
    options.model.hidden = 64;
    options.model.dense = 64;
    options.model.stoch_vars = 8;
    options.model.stoch_classes = 8;
    options.train.batch_size = 4;
    options.train.seq_len = 8;
    return options;
  }
  // Between tiny and default for CPU learners: 2x tiny's channels, a 256-unit
  // GRU and 16 x 16 latents (~2x tiny's update time at the same batch).
  if (name == "small") {
    options.model.cnn_multiplier = 8;
    options.model.deter = 256;
    options.model.hidden = 128;
    options.model.dense = 128;
    options.model.stoch_vars = 16;
    options.model.stoch_classes = 16;
    options.train.batch_size = 16;
    options.train.seq_len = 16;
    return options;
  }
  if (name == "bench") {
    options.model.cnn_multiplier = 32;
    options.model.hidden = 512;
    options.model.dense = 512;
    options.train.batch_size = 32;
    options.train.seq_len = 16;
    return options;
  }
  if (name == "large") {
    options.model.cnn_multiplier = 48;
    options.model.deter = 2048;
    options.model.hidden = 768;
    options.model.dense = 768;
    options.model.mlp_layers = 4;
    options.train.batch_size = 16;
    options.train.seq_len = 64;
    return options;
  }
  throw ConfigError("preset", "unknown preset '" + name + "' (tiny, small, default, bench, large)");
}

}  // namespace dreamer::learner
