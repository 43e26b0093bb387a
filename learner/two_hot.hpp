#pragma once
// Symlog two-hot distribution used by the reward head and the critic.
//
// 255 bins uniformly spaced in symlog space, built once in fp32 as exactly
// torch::linspace(-20, 20, 255). A scalar y is encoded in symlog space:
//
//   s = symlog(y)     k = index of the last bin <= s  (clamped to [0, 254])
//   bins:   ... b_k ----- s ------------ b_{k+1} ...
//   weight on b_k     = (b_{k+1} - s) / (b_{k+1} - b_k)
//   weight on b_{k+1} = (s - b_k)     / (b_{k+1} - b_k)
//   s <= b_0 or s >= b_254: all weight on the end bin.
//
// log_prob(y) = sum_i two_hot(y)_i * log_softmax(logits)_i,
// mean        = symexp(sum_i softmax(logits)_i * b_i).
// All computations run in fp32 whatever the logits' dtype.
#include <torch/types.h>

namespace dreamer::learner {

inline constexpr int kTwoHotBins = 255;
inline constexpr double kTwoHotLow = -20.0;
inline constexpr double kTwoHotHigh = 20.0;

// fp32 [255] on `device`.
torch::Tensor make_two_hot_bins(torch::Device device);

// symlog_value [...] (already in symlog space) -> weights [..., 255].
torch::Tensor two_hot_encode(const torch::Tensor& symlog_value, const torch::Tensor& bins);

// logits [..., 255], value [...] (raw, not symlog) -> log-probability [...].
torch::Tensor two_hot_log_prob(const torch::Tensor& logits, const torch::Tensor& value, const torch::Tensor& bins);

// logits [..., 255] -> mean in raw space [...].
torch::Tensor two_hot_mean(const torch::Tensor& logits, const torch::Tensor& bins);

}  // namespace dreamer::learner
