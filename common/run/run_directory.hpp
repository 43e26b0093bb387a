#pragma once
// The run directory (DESIGN.md §9):
//
//   bench/runs/rl/<UTC yyyymmdd_HHMMSS>__dreamer_v3__<rom stem>__<tag>/
//     meta.json       what ran where: hashes, versions, git, host, rank layout
//     config.json     the full, validated config
//     repro.sh        reruns the command that created the run (common/run/repro_script.hpp)
//     metrics.jsonl   one record per line (common/run/metrics_log.hpp)
//     events.out.tfevents.*  the same records for TensorBoard (when built with protobuf)
//     metrics.png     loss, KL and entropy curves, drawn at the end of the run
//     recon.gif       original | decoded frames of a replay batch, at the end (giflib builds)
//     checkpoints/    HDF5 checkpoints + `latest`
//     replay.h5       the replay ring and limiter at the end or a stop, for --resume
//     failures/       failure bundles (common/run/failure_bundle.hpp)
#include <chrono>
#include <filesystem>
#include <string>

namespace dreamer {

struct RunDirectory {
  std::filesystem::path root;

  std::filesystem::path meta_json() const { return root / "meta.json"; }
  std::filesystem::path config_json() const { return root / "config.json"; }
  std::filesystem::path repro_sh() const { return root / "repro.sh"; }
  std::filesystem::path metrics_jsonl() const { return root / "metrics.jsonl"; }
  std::filesystem::path metrics_png() const { return root / "metrics.png"; }
  std::filesystem::path recon_gif() const { return root / "recon.gif"; }
  std::filesystem::path checkpoints() const { return root / "checkpoints"; }
  std::filesystem::path replay_h5() const { return root / "replay.h5"; }
  std::filesystem::path failures() const { return root / "failures"; }
};

// "<yyyymmdd_HHMMSS>__dreamer_v3__<rom stem>__<tag>" in UTC. Throws
// ConfigError when the stem or tag holds characters other than
// [A-Za-z0-9._-] or is empty.
std::string run_directory_name(std::chrono::system_clock::time_point when, const std::string& rom_stem,
                               const std::string& tag);

// Creates <runs_root>/<name>/ with its subfolders; refuses an existing one.
RunDirectory create_run_directory(const std::filesystem::path& runs_root, std::chrono::system_clock::time_point when,
                                  const std::string& rom_stem, const std::string& tag);

// For --resume: an existing run directory with its config.json.
RunDirectory open_run_directory(const std::filesystem::path& root);

}  // namespace dreamer
