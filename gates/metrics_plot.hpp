#pragma once
// The metrics plot of a run: one small line plot per metric key (their
// scales differ by orders of magnitude), tiled two per row into one PNG,
// each against env_steps. Keys are looked up alias-aware; a key that no
// record holds is drawn as an empty panel titled "<key> (absent)".
#include <filesystem>
#include <string>
#include <vector>

#include "common/media/image.hpp"
#include "gates/rules.hpp"

namespace dreamer::gates {

// Keys plotted when none are named: the world-model and actor-critic losses,
// the KL terms, the latent entropies, and throughput.
const std::vector<std::string>& default_plot_keys();

Image render_metrics_plot(const MetricRecords& records, const std::vector<std::string>& keys,
                          const std::string& x_key = "env_steps");

// render_metrics_plot() written as a PNG (atomically).
void write_metrics_plot(const std::filesystem::path& path, const MetricRecords& records,
                        const std::vector<std::string>& keys);

}  // namespace dreamer::gates
