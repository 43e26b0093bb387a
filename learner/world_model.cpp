#include "learner/world_model.hpp"

#include <torch/torch.h>

#include "learner/initialization.hpp"

namespace dreamer::learner {

EncoderOptions encoder_options(const ModelOptions& model) { return {model.cnn_multiplier, model.layer_norm_eps}; }

RssmOptions rssm_options(const ModelOptions& model) {
  return {model.deter,         model.hidden,        model.stoch_vars,
          model.stoch_classes, model.num_actions,   encoder_options(model).embed_size(),
          model.unimix,        model.layer_norm_eps};
}

DecoderOptions decoder_options(const ModelOptions& model) {
  return {model.latent_size(), model.cnn_multiplier, model.layer_norm_eps};
}

MlpOptions head_options(const ModelOptions& model) {
  return {model.latent_size(), model.dense, model.mlp_layers, model.layer_norm_eps};
}

ActorOptions actor_options(const ModelOptions& model) {
  return {model.latent_size(), model.dense, model.mlp_layers, model.num_actions, model.unimix, model.layer_norm_eps};
}

WorldModelImpl::WorldModelImpl(const ModelOptions& options) : options_(options) {
  options_.validate();
  encoder_ = register_module("encoder", Encoder(encoder_options(options_)));
  rssm_ = register_module("rssm", Rssm(rssm_options(options_)));
  decoder_ = register_module("decoder", Decoder(decoder_options(options_)));
  reward_head_ = register_module("reward_head", make_two_hot_head(head_options(options_)));
  continue_head_ = register_module("continue_head", make_continue_head(head_options(options_)));
  // Encoder and decoder have no init of their own; the heads and the RSSM
  // initialised themselves (including their output layers) on construction.
  init_dreamer_weights(*encoder_);
  init_dreamer_weights(*decoder_);
  init_uniform_output(*decoder_->output_layer(), 1.0);
}

}  // namespace dreamer::learner
