#include "common/run/failure_bundle.hpp"

#include <unistd.h>

#include <fstream>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/run/repro_script.hpp"
#include "common/run/run_meta.hpp"
#include "common/run/utc_time.hpp"

namespace dreamer {
namespace {

void write_text(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
  out.close();
  if (!out) throw Error("cannot write '" + path.string() + "'");
}

}  // namespace

std::filesystem::path write_failure_bundle(const std::filesystem::path& failures_dir, const std::string& name,
                                           const FailureReport& report) {
  const std::filesystem::path target = failures_dir / name;
  if (std::filesystem::exists(target)) throw Error("failure bundle '" + target.string() + "' already exists");
  std::filesystem::create_directories(failures_dir);
  const std::filesystem::path temp = failures_dir / (".tmp-" + name + "-" + std::to_string(::getpid()));
  std::filesystem::remove_all(temp);
  std::filesystem::create_directory(temp);
  try {
    nlohmann::json failure = {
        {"reason", report.reason}, {"details", report.details}, {"created_utc", utc_now_iso8601()},
        {"host", host_name()},     {"pid", ::getpid()},         {"tensors", nlohmann::json::array()}};
    for (const BundleTensor& tensor : report.tensors) failure["tensors"].push_back(tensor.name);
    write_text(temp / "failure.json", failure.dump(2) + "\n");

    std::string metrics;
    for (const nlohmann::json& record : report.last_metrics)
      metrics += record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
    write_text(temp / "last_metrics.jsonl", metrics);
    write_text(temp / "config.json", report.config_json);

    write_text(temp / "repro.sh",
               repro_script_text("Reproduces: " + report.reason, report.repro_command, report.working_directory));
    std::filesystem::permissions(
        temp / "repro.sh",
        std::filesystem::perms::owner_exec | std::filesystem::perms::group_exec | std::filesystem::perms::others_exec,
        std::filesystem::perm_options::add);

    hdf5::Handle file = hdf5::create_file(temp / "tensors.h5");
    for (const BundleTensor& tensor : report.tensors)
      hdf5::write_dataset(file.get(), tensor.name, tensor.type, tensor.shape, tensor.data);
    file.close();

    for (const auto& entry : std::filesystem::directory_iterator(temp)) fsync_path(entry.path());
    fsync_path(temp);
    std::filesystem::rename(temp, target);
    fsync_path(failures_dir);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove_all(temp, ignored);
    throw;
  }
  return target;
}

}  // namespace dreamer
