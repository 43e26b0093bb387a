#pragma once
// Return normalisation of Dreamer v3: per update take the low/high
// percentiles (5th/95th) of the lambda-returns, track each with an EMA, and
// divide advantages by scale = max(max_scale, high - low).
//
//   low  <- decay * low  + (1 - decay) * quantile(R, 0.05)     (both start at 0)
//   high <- decay * high + (1 - decay) * quantile(R, 0.95)
//
// The state is two registered buffers ("low", "high") so that checkpoints
// see it through named_buffers(). Quantiles are computed (quantiles()) apart
// from the update (update()) so that several learners can average them first.
#include <torch/nn/module.h>
#include <torch/nn/pimpl.h>

#include <cereal/cereal.hpp>

namespace dreamer::learner {

struct ReturnEmaOptions {
  double decay = 0.99;
  double low_percentile = 0.05;
  double high_percentile = 0.95;
  double max_scale = 1.0;

  template <class Archive>
  void serialize(Archive& archive) {
    archive(cereal::make_nvp("decay", decay), cereal::make_nvp("low_percentile", low_percentile),
            cereal::make_nvp("high_percentile", high_percentile), cereal::make_nvp("max_scale", max_scale));
  }
  void validate() const;
};

class ReturnEmaImpl : public torch::nn::Module {
 public:
  explicit ReturnEmaImpl(const ReturnEmaOptions& options = {});

  // returns [...] -> fp32 [2] = (low quantile, high quantile), no gradient.
  torch::Tensor quantiles(const torch::Tensor& returns) const;
  // Folds quantiles [2] into the EMA.
  void update(const torch::Tensor& quantiles);

  const torch::Tensor& low() const { return low_; }
  const torch::Tensor& high() const { return high_; }
  // max(max_scale, high - low), scalar tensor.
  torch::Tensor scale() const;
  const ReturnEmaOptions& options() const { return options_; }

 private:
  ReturnEmaOptions options_;
  torch::Tensor low_;
  torch::Tensor high_;
};
TORCH_MODULE(ReturnEma);

}  // namespace dreamer::learner
