#pragma once
// meta.json of a run: what ran, on what, from which code. Collected once at
// start by the rank that owns the run directory.
#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace dreamer {

struct RankLayout {
  int world_size = 1;
  int gate_ranks = 1;
  int replay_ranks = 1;
  int actor_ranks = 1;
  int learner_ranks = 1;
  bool single_process = true;  // every role in one process
};

struct RuntimeVersions {
  std::string dreamer;       // project version
  std::string torch;         // filled by the caller (common does not link torch)
  std::string mpi;           // MPI_Get_library_version, first line
  std::string hdf5;          // H5get_libversion
  std::string cuda_runtime;  // "" in builds without CUDA
  std::string cuda_driver;   // "" when no driver is present
  std::string nccl;
  std::vector<std::string> gpu_names;  // empty when no GPU is visible
};

struct GitInfo {
  std::string commit = "unknown";
  bool dirty = false;
};

struct RunMeta {
  std::string created_utc;  // ISO 8601
  std::string host;
  std::string command_line;
  std::string rom_path, rom_sha256;
  std::string state_path, state_sha256;
  std::string goal_dir, goal_sha256;  // sha256 of goal_template.npy
  std::string action_codec_id = "pokemonred_puffer_v1";
  std::string device;  // "cpu" or "cuda"
  RuntimeVersions versions;
  GitInfo git;
  RankLayout ranks;
};

// Everything but the torch version, which the caller sets.
RuntimeVersions collect_runtime_versions();
// Runs `git` in the source tree the binary was built from; "unknown" when
// git or the tree is not there (an installed binary).
GitInfo read_git_info();
std::string host_name();

nlohmann::json to_json(const RunMeta& meta);

}  // namespace dreamer
