#include "launch/run_artifacts.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

#include "common/run/repro_script.hpp"
#include "gates/metrics_plot.hpp"
#ifdef DREAMER_HAS_GIF
#include "common/media/gif_writer.hpp"
#endif

namespace dreamer {
namespace {

// One [72, 80] normalised observation (shade / 3 - 0.5) as a gray image.
Image gray_image(const torch::Tensor& frame, int scale) {
  const auto pixels = frame.contiguous();
  const int height = static_cast<int>(pixels.size(0));
  const int width = static_cast<int>(pixels.size(1));
  const float* values = pixels.data_ptr<float>();
  Image image = Image::filled(width * scale, height * scale, 1);
  for (int y = 0; y < height * scale; ++y) {
    for (int x = 0; x < width * scale; ++x) {
      const float value = values[(y / scale) * width + x / scale];
      *image.at(x, y) = static_cast<std::uint8_t>(std::clamp(std::lround((0.5f - value) * 255.0f), 0L, 255L));
    }
  }
  return image;
}

// original | decoded with a white gap between them.
Image original_beside_decoded(const Image& original, const Image& decoded) {
  constexpr int kGap = 2;
  Image frame = Image::filled(original.width + kGap + decoded.width, original.height, 1, 255);
  for (int y = 0; y < original.height; ++y) {
    std::copy_n(original.at(0, y), original.width, frame.at(0, y));
    std::copy_n(decoded.at(0, y), decoded.width, frame.at(original.width + kGap, y));
  }
  return frame;
}

#ifdef DREAMER_HAS_GIF
constexpr int kFrameDelayCentiseconds = 20;
#endif

}  // namespace

void write_run_repro_script(const RunDirectory& run, const RunInvocation& invocation) {
  write_repro_script(run.repro_sh(), "Reruns the command that created " + run.root.filename().string(),
                     invocation.command_line, invocation.working_directory);
}

const std::vector<std::string>& run_plot_keys() {
  static const std::vector<std::string> kKeys = {"obs_nll", "reward_nll",    "kl_dyn",
                                                 "kl_rep",  "prior_entropy", "posterior_entropy"};
  return kKeys;
}

void write_run_metrics_plot(const RunDirectory& run, const gates::MetricRecords& records) {
  gates::write_metrics_plot(run.metrics_png(), records, run_plot_keys());
}

std::vector<Image> reconstruction_frames(const learner::Reconstruction& reconstruction, int max_sequences, int scale) {
  const auto& original = reconstruction.original;  // [T, B, 72, 80]
  const auto& decoded = reconstruction.decoded;
  const int64_t steps = original.size(0);
  const int64_t sequences = std::min<int64_t>(original.size(1), max_sequences);
  std::vector<Image> frames;
  for (int64_t b = 0; b < sequences; ++b) {
    for (int64_t t = 0; t < steps; ++t)
      frames.push_back(original_beside_decoded(gray_image(original[t][b], scale), gray_image(decoded[t][b], scale)));
  }
  return frames;
}

bool write_reconstruction_gif(const RunDirectory& run, const learner::Reconstruction& reconstruction) {
#ifdef DREAMER_HAS_GIF
  write_gif(run.recon_gif(), reconstruction_frames(reconstruction), kFrameDelayCentiseconds);
  return true;
#else
  (void)run;
  (void)reconstruction;
  return false;
#endif
}

}  // namespace dreamer
