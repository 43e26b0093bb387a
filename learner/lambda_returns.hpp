#pragma once
// TD(lambda) returns over an imagined trajectory of H + 1 states s_0..s_H.
//
//   R_H = v_H
//   R_t = r_{t+1} + gamma * c_{t+1} * ((1 - lambda) * v_{t+1} + lambda * R_{t+1})
//
// r_t and c_t are the reward and continue predicted for state s_t (the
// transition that arrived there), so index 0 of rewards/continues is unused.
// Inputs: rewards, values, continues [H + 1, N]; output: R_0..R_{H-1} [H, N].
#include <torch/types.h>

namespace dreamer::learner {

torch::Tensor lambda_returns(const torch::Tensor& rewards, const torch::Tensor& values, const torch::Tensor& continues,
                             double gamma, double lambda);

}  // namespace dreamer::learner
