#pragma once
// Checkpoints: the complete learner state in one HDF5 file, so that a
// requeued job continues exactly where it stopped (DESIGN.md section 7).
//
// A checkpoint holds one dataset per module parameter and buffer, one per
// Adam slot (exp_avg, exp_avg_sq, max_exp_avg_sq) with the step count and the
// param-group options, integer counters, the torch CPU (and CUDA) generator
// states, the caller's own generator states as bytes, the config JSON and the
// code version. docs/file_formats.md ("Checkpoint (HDF5)") gives the schema.
//
// Writing is crash-safe:
//
//   <dir>/ckpt_<opt_steps>.h5.tmp   written, closed, fsynced
//     -> rename to ckpt_<opt_steps>.h5
//   <dir>/latest.tmp  ("ckpt_<opt_steps>.h5\n"), fsynced
//     -> rename to latest, then fsync <dir>
//
// so `latest` only ever names a complete file; a crash leaves at worst a
// stale *.tmp beside the previous good checkpoint.
//
// Loading checks everything (schema version, every parameter, buffer and
// optimizer slot present with the right shape and dtype, no extra ones,
// generator states that torch accepts, byte arrays within 64 MiB) before it
// changes anything, then restores in place: all or nothing. Any
// problem (missing or truncated file, a foreign HDF5 file, a shape mismatch)
// is one dreamer::Error naming the file and the first problem.
//
// With several learners, one rank (learner rank 0) saves; every rank loads
// the same file. Not thread-safe: call from the learner's main thread while
// no other thread uses the modules, optimizers or torch's default generators.
#include <torch/nn/module.h>
#include <torch/optim/adam.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace dreamer::learner {

inline constexpr int kCheckpointSchemaVersion = 1;

struct NamedModule {
  std::string name;  // non-empty, no '/'
  torch::nn::Module* module;
};

struct NamedOptimizer {
  std::string name;  // non-empty, no '/'
  torch::optim::Adam* optimizer;
};

// What a checkpoint holds. Modules and optimizers are borrowed: save reads
// them, load restores them in place. The value fields are written by save and
// replaced by load.
struct CheckpointState {
  std::vector<NamedModule> modules;
  std::vector<NamedOptimizer> optimizers;
  std::map<std::string, std::int64_t> counters;
  // The caller's own generator states, as bytes: for a std::mt19937_64 the
  // text that `stream << engine` writes (read back with `stream >> engine`).
  std::map<std::string, std::string> rng_states;
  std::string config_json;
};

struct CheckpointSaveOptions {
  std::string code_version = DREAMER_VERSION;  // e.g. `git describe --always --dirty`
  // When > 0, all but the keep_last highest-numbered ckpt_*.h5 files are
  // deleted after `latest` names the new file (never the new file itself).
  int keep_last = 0;
  // The torch CPU generator, and every CUDA device's when CUDA is available.
  bool save_torch_rng = true;
};

struct CheckpointLoadOptions {
  // CUDA generator states are restored for the devices present; states of
  // devices this process does not see are ignored.
  bool restore_torch_rng = true;
};

struct CheckpointInfo {
  std::filesystem::path file;
  std::int64_t opt_steps = 0;
  int schema_version = 0;
  std::string code_version;
  std::string created_utc;  // ISO 8601, e.g. 2026-11-26T01:31:28Z
};

// Writes <directory>/ckpt_<opt_steps>.h5 (creating the directory) and points
// `latest` at it; returns the file's path. Tensors are copied to CPU.
std::filesystem::path save_checkpoint(const std::filesystem::path& directory, std::int64_t opt_steps,
                                      const CheckpointState& state, const CheckpointSaveOptions& options = {});

// The file `latest` names in `directory`, or nullopt when there is no
// `latest` (a fresh run). Throws dreamer::Error when `latest` names a file
// that does not exist.
std::optional<std::filesystem::path> find_latest_checkpoint(const std::filesystem::path& directory);

// Restores `state` from a checkpoint file, or from the one `latest` names
// when given a directory.
CheckpointInfo load_checkpoint(const std::filesystem::path& file_or_directory, CheckpointState& state,
                               const CheckpointLoadOptions& options = {});

// For --resume: restores `state` from the checkpoint `latest` names, or,
// when that pointer or file is unreadable (truncated by a crash, a full disk,
// a copy cut short), from the newest ckpt_<n>.h5 that loads. `skipped` says
// what was passed over and why, one sentence each, for the caller to print.
// nullopt when the directory holds neither `latest` nor any ckpt_*.h5 (or
// does not exist); dreamer::Error when there are checkpoints and none loads.
struct ResumedCheckpoint {
  CheckpointInfo info;
  std::vector<std::string> skipped;
};
std::optional<ResumedCheckpoint> load_newest_good_checkpoint(const std::filesystem::path& directory,
                                                             CheckpointState& state,
                                                             const CheckpointLoadOptions& options = {});

// The config JSON a checkpoint holds, with its /meta, read without touching
// any tensor: tools (dreamer_eval) rebuild the model from it before they
// load_checkpoint(). Checks the schema version; errors as load_checkpoint's.
struct CheckpointConfig {
  CheckpointInfo info;
  std::string config_json;
};
CheckpointConfig read_checkpoint_config(const std::filesystem::path& file_or_directory);

// Read-only listing for tools: every dataset with its dtype and shape. Works
// on any HDF5 file; `info` stays default for files without /meta.
struct CheckpointDatasetInfo {
  std::string path;   // e.g. /modules/world_model/encoder.0.weight
  std::string dtype;  // torch dtype name (float32, bfloat16, ...), "string" or "uint8"
  std::vector<std::int64_t> shape;
};
struct CheckpointListing {
  CheckpointInfo info;
  std::vector<CheckpointDatasetInfo> datasets;  // in name order
};
CheckpointListing inspect_checkpoint(const std::filesystem::path& file_or_directory);

}  // namespace dreamer::learner
