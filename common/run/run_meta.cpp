#include "common/run/run_meta.hpp"

#include <hdf5.h>
#include <mpi.h>
#include <unistd.h>

#include <cstdio>

#if defined(DREAMER_HAS_CUDA)
#include <cuda_runtime_api.h>
#include <nccl.h>
#endif

namespace dreamer {
namespace {

// Runs a shell command and returns its stdout ("" when it fails).
std::string command_output(const std::string& command) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return output;
  char buffer[256];
  while (std::fgets(buffer, sizeof buffer, pipe) != nullptr) output += buffer;
  if (::pclose(pipe) != 0) return "";
  return output;
}

std::string version_triplet(int major, int minor, int patch) {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

}  // namespace

RuntimeVersions collect_runtime_versions() {
  RuntimeVersions versions;
  versions.dreamer = DREAMER_VERSION;
  char mpi_text[MPI_MAX_LIBRARY_VERSION_STRING];
  int mpi_length = 0;
  if (MPI_Get_library_version(mpi_text, &mpi_length) == MPI_SUCCESS) {
    const std::string text(mpi_text, static_cast<std::size_t>(mpi_length));
    versions.mpi = text.substr(0, text.find_first_of(",\n"));
  }
  unsigned major = 0, minor = 0, release = 0;
  if (H5get_libversion(&major, &minor, &release) >= 0)
    versions.hdf5 = version_triplet(static_cast<int>(major), static_cast<int>(minor), static_cast<int>(release));
#if defined(DREAMER_HAS_CUDA)
  int runtime = 0;
  if (cudaRuntimeGetVersion(&runtime) == cudaSuccess)
    versions.cuda_runtime = version_triplet(runtime / 1000, runtime % 1000 / 10, 0);
  int driver = 0;
  if (cudaDriverGetVersion(&driver) == cudaSuccess && driver > 0)
    versions.cuda_driver = version_triplet(driver / 1000, driver % 1000 / 10, 0);
  int nccl = 0;
  if (ncclGetVersion(&nccl) == ncclSuccess)
    versions.nccl = version_triplet(nccl / 10000, nccl % 10000 / 100, nccl % 100);
  int devices = 0;
  if (cudaGetDeviceCount(&devices) != cudaSuccess) {
    devices = 0;
    cudaGetLastError();  // clear the sticky "no driver" error
  }
  for (int device = 0; device < devices; ++device) {
    cudaDeviceProp properties{};
    if (cudaGetDeviceProperties(&properties, device) == cudaSuccess) versions.gpu_names.push_back(properties.name);
  }
#endif
  return versions;
}

GitInfo read_git_info() {
  GitInfo info;
  const std::string git = std::string("git -C '") + DREAMER_SOURCE_DIR + "' ";
  std::string commit = command_output(git + "rev-parse HEAD 2>/dev/null");
  while (!commit.empty() && (commit.back() == '\n' || commit.back() == ' ')) commit.pop_back();
  if (commit.empty()) return info;
  info.commit = commit;
  info.dirty = !command_output(git + "status --porcelain --untracked-files=no 2>/dev/null").empty();
  return info;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof name - 1) != 0) return "unknown";
  return name;
}

nlohmann::json to_json(const RunMeta& meta) {
  const RuntimeVersions& v = meta.versions;
  return {{"created_utc", meta.created_utc},
          {"host", meta.host},
          {"command_line", meta.command_line},
          {"rom", {{"path", meta.rom_path}, {"sha256", meta.rom_sha256}}},
          {"state", {{"path", meta.state_path}, {"sha256", meta.state_sha256}}},
          {"goal", {{"dir", meta.goal_dir}, {"sha256", meta.goal_sha256}}},
          {"action_codec_id", meta.action_codec_id},
          {"device", meta.device},
          {"versions",
           {{"dreamer", v.dreamer},
            {"torch", v.torch},
            {"mpi", v.mpi},
            {"hdf5", v.hdf5},
            {"cuda_runtime", v.cuda_runtime},
            {"cuda_driver", v.cuda_driver},
            {"nccl", v.nccl}}},
          {"gpu_names", v.gpu_names},
          {"git", {{"commit", meta.git.commit}, {"dirty", meta.git.dirty}}},
          {"ranks",
           {{"world_size", meta.ranks.world_size},
            {"gate", meta.ranks.gate_ranks},
            {"replay", meta.ranks.replay_ranks},
            {"actors", meta.ranks.actor_ranks},
            {"learners", meta.ranks.learner_ranks},
            {"single_process", meta.ranks.single_process}}}};
}

}  // namespace dreamer
