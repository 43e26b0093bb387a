#pragma once
// The files a run leaves for people to look at (DESIGN.md §9), beside its
// metrics.jsonl:
//
//   repro.sh     reruns the command that created the run, from the folder it
//                ran in (written when the run starts)
//   metrics.png  obs_nll, reward_nll, kl_dyn, kl_rep, prior and posterior
//                entropy against env_steps (gates/metrics_plot.hpp)
//   recon.gif    one replay batch as the world model sees it: per frame the
//                original | decoded observation, sequence after sequence
//                (only when built with giflib)
//
// config.json and meta.json are written when the run starts (dreamer_learner).
#include <filesystem>
#include <vector>

#include "common/media/image.hpp"
#include "common/run/run_directory.hpp"
#include "gates/rules.hpp"
#include "launch/training_run.hpp"
#include "learner/reconstruction.hpp"

namespace dreamer {

void write_run_repro_script(const RunDirectory& run, const RunInvocation& invocation);

// The panels of metrics.png.
const std::vector<std::string>& run_plot_keys();
void write_run_metrics_plot(const RunDirectory& run, const gates::MetricRecords& records);

// Frames of the reconstruction video: for each of the first `max_sequences`
// sequences, each time step as original | decoded (white = shade 0, black =
// shade 3, decoded values clamped), scaled up `scale` times.
std::vector<Image> reconstruction_frames(const learner::Reconstruction& reconstruction, int max_sequences = 4,
                                         int scale = 2);

// True when recon.gif was written; false when this build has no GIF writer.
bool write_reconstruction_gif(const RunDirectory& run, const learner::Reconstruction& reconstruction);

}  // namespace dreamer
