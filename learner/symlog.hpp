#pragma once
// symlog / symexp: the squashing Dreamer v3 applies to rewards and values
// before two-hot encoding.
//   symlog(x) = sign(x) * ln(1 + |x|)      symexp(x) = sign(x) * (exp(|x|) - 1)
// symexp(symlog(x)) == x up to rounding.
#include <torch/types.h>

namespace dreamer::learner {

torch::Tensor symlog(const torch::Tensor& x);
torch::Tensor symexp(const torch::Tensor& x);

}  // namespace dreamer::learner
