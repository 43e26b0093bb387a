#pragma once
// Dreamer v3 weight initialisation (the official code; sheeprl's
// "hafner_initialization"):
//  - Linear / Conv2d / ConvTranspose2d weights: truncated normal on
//    [-2 std, 2 std] with std = sqrt(1 / mean(fan_in, fan_out)) / 0.8796
//    (0.8796 is the std of a unit normal truncated at +-2); biases zero.
//    For convolutions fan_in = k*k*in_channels, fan_out = k*k*out_channels.
//  - LayerNorm weight 1, bias 0.
//  - Output layers are re-initialised with init_uniform_output: uniform on
//    [-l, l], l = sqrt(3 * scale / mean(fan_in, fan_out)), bias 0; scale 1
//    for prior/posterior/actor/continue/decoder outputs, scale 0 (all zeros)
//    for the reward and critic outputs.
#include <torch/nn/module.h>

namespace dreamer::learner {

// Applies the truncated-normal rule to every submodule of `module`.
void init_dreamer_weights(torch::nn::Module& module);

// `layer` must be a Linear, Conv2d or ConvTranspose2d.
void init_uniform_output(torch::nn::Module& layer, double scale);

}  // namespace dreamer::learner
