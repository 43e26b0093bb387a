#pragma once
// A failure bundle: everything needed to look at and reproduce a failed run
// (non-finite values, shape or device errors, crashes), written as one
// directory that appears atomically (built under a temporary name, then
// renamed), so a reader never sees half a bundle:
//
//   failures/<name>/
//     failure.json        reason, details, when, where
//     last_metrics.jsonl  the last metric records before the failure
//     config.json         the run's config
//     repro.sh            the command that reproduces it (executable)
//     tensors.h5          the given tensors (e.g. the offending batch)
#include <nlohmann/json.hpp>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "common/hdf5/hdf5_file.hpp"

namespace dreamer {

struct BundleTensor {
  std::string name;  // dataset path inside tensors.h5, e.g. "batch/obs"
  hdf5::ElementType type = hdf5::ElementType::kFloat32;
  std::vector<hsize_t> shape;
  const void* data = nullptr;  // host memory, C order
};

struct FailureReport {
  std::string reason;  // one line, e.g. "non-finite loss_model at opt_step 12"
  nlohmann::json details = nlohmann::json::object();
  std::vector<nlohmann::json> last_metrics;
  std::string config_json;
  std::string repro_command;  // shell command line, run from `working_directory`
  std::string working_directory;
  std::vector<BundleTensor> tensors;
};

// Writes failures_dir/<name>/ and returns its path. Refuses to replace an
// existing bundle of the same name (a first failure is never overwritten).
std::filesystem::path write_failure_bundle(const std::filesystem::path& failures_dir, const std::string& name,
                                           const FailureReport& report);

}  // namespace dreamer
