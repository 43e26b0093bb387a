#pragma once
// The Dreamer v3 world model: encoder, RSSM, decoder, reward head and
// continue head, built from ModelOptions (the world model's options struct).
// The *_options() functions derive each part's options from ModelOptions;
// the agent and the Player use them so that shapes always agree.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include "learner/actor.hpp"
#include "learner/decoder.hpp"
#include "learner/dreamer_options.hpp"
#include "learner/encoder.hpp"
#include "learner/mlp_head.hpp"
#include "learner/rssm.hpp"

namespace dreamer::learner {

EncoderOptions encoder_options(const ModelOptions& model);
RssmOptions rssm_options(const ModelOptions& model);
DecoderOptions decoder_options(const ModelOptions& model);
MlpOptions head_options(const ModelOptions& model);  // reward head, continue head, critic
ActorOptions actor_options(const ModelOptions& model);

class WorldModelImpl : public torch::nn::Module {
 public:
  explicit WorldModelImpl(const ModelOptions& options);

  Encoder& encoder() { return encoder_; }
  Rssm& rssm() { return rssm_; }
  Decoder& decoder() { return decoder_; }
  MlpHead& reward_head() { return reward_head_; }
  MlpHead& continue_head() { return continue_head_; }
  const ModelOptions& options() const { return options_; }

 private:
  ModelOptions options_;
  Encoder encoder_{nullptr};
  Rssm rssm_{nullptr};
  Decoder decoder_{nullptr};
  MlpHead reward_head_{nullptr};
  MlpHead continue_head_{nullptr};
};
TORCH_MODULE(WorldModel);

}  // namespace dreamer::learner
