#include "learner/initialization.hpp"

#include <cmath>

#include <torch/torch.h>

#include "common/error.hpp"

namespace dreamer::learner {
namespace {

constexpr double kTruncatedStdRatio = 0.87962566103423978;

struct Fans {
  double fan_in = 0.0;
  double fan_out = 0.0;
};

// Fans of a 2-D convolution or transposed convolution: channels times the
// kernel's area.
template <class ConvImpl>
Fans convolution_fans(const ConvImpl& conv) {
  const auto& kernel = conv.options.kernel_size();
  const double space = static_cast<double>((*kernel)[0] * (*kernel)[1]);
  return {space * static_cast<double>(conv.options.in_channels()),
          space * static_cast<double>(conv.options.out_channels())};
}

// Returns false when `module` is not a weight layer this file initialises.
bool weight_layer_fans(torch::nn::Module& module, Fans& fans, torch::Tensor& weight, torch::Tensor& bias) {
  if (auto* linear = module.as<torch::nn::Linear>()) {
    fans = {static_cast<double>(linear->options.in_features()), static_cast<double>(linear->options.out_features())};
    weight = linear->weight;
    bias = linear->bias;
    return true;
  }
  if (auto* conv = module.as<torch::nn::Conv2d>()) {
    fans = convolution_fans(*conv);
    weight = conv->weight;
    bias = conv->bias;
    return true;
  }
  if (auto* deconv = module.as<torch::nn::ConvTranspose2d>()) {
    fans = convolution_fans(*deconv);
    weight = deconv->weight;
    bias = deconv->bias;
    return true;
  }
  return false;
}

// Inverse-CDF sampling of a normal truncated at [-2 std, 2 std].
void truncated_normal_(torch::Tensor& weight, double std) {
  const auto normal_cdf = [](double x) { return 0.5 * (1.0 + std::erf(x / std::sqrt(2.0))); };
  const double low = normal_cdf(-2.0);
  const double high = normal_cdf(2.0);
  weight.uniform_(2.0 * low - 1.0, 2.0 * high - 1.0);
  weight.erfinv_();
  weight.mul_(std * std::sqrt(2.0));
  weight.clamp_(-2.0 * std, 2.0 * std);
}

void init_one(torch::nn::Module& module) {
  Fans fans;
  torch::Tensor weight;
  torch::Tensor bias;
  if (weight_layer_fans(module, fans, weight, bias)) {
    const double std = std::sqrt(2.0 / (fans.fan_in + fans.fan_out)) / kTruncatedStdRatio;
    truncated_normal_(weight, std);
    if (bias.defined()) bias.zero_();
  } else if (auto* norm = module.as<torch::nn::LayerNorm>()) {
    if (norm->weight.defined()) norm->weight.fill_(1.0);
    if (norm->bias.defined()) norm->bias.zero_();
  }
}

}  // namespace

void init_dreamer_weights(torch::nn::Module& module) {
  torch::NoGradGuard no_grad;
  // modules(false): a module under construction is not yet owned by a
  // shared_ptr, so `module` itself is handled apart from its descendants.
  init_one(module);
  for (const auto& child : module.modules(/*include_self=*/false)) init_one(*child);
}

void init_uniform_output(torch::nn::Module& layer, double scale) {
  torch::NoGradGuard no_grad;
  Fans fans;
  torch::Tensor weight;
  torch::Tensor bias;
  DREAMER_ASSERT(weight_layer_fans(layer, fans, weight, bias),
                 "init_uniform_output: not a Linear/Conv2d/ConvTranspose2d layer");
  const double limit = std::sqrt(3.0 * scale / ((fans.fan_in + fans.fan_out) / 2.0));
  if (limit > 0.0) {
    weight.uniform_(-limit, limit);
  } else {
    weight.zero_();
  }
  if (bias.defined()) bias.zero_();
}

}  // namespace dreamer::learner
