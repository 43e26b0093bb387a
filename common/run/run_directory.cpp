#include "common/run/run_directory.hpp"

#include "common/error.hpp"
#include "common/run/utc_time.hpp"

namespace dreamer {
namespace {

void check_name_part(const std::string& field, const std::string& value) {
  if (value.empty()) throw ConfigError(field, "must not be empty");
  for (const char c : value) {
    const bool ok =
        (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
    if (!ok) throw ConfigError(field, "'" + value + "' may only hold letters, digits, '.', '_' and '-'");
  }
}

}  // namespace

std::string run_directory_name(std::chrono::system_clock::time_point when, const std::string& rom_stem,
                               const std::string& tag) {
  check_name_part("rom stem", rom_stem);
  check_name_part("output_tag", tag);
  return format_utc(when, "%Y%m%d_%H%M%S") + "__dreamer_v3__" + rom_stem + "__" + tag;
}

RunDirectory create_run_directory(const std::filesystem::path& runs_root, std::chrono::system_clock::time_point when,
                                  const std::string& rom_stem, const std::string& tag) {
  RunDirectory run{runs_root / run_directory_name(when, rom_stem, tag)};
  std::filesystem::create_directories(runs_root);
  std::error_code error;
  if (!std::filesystem::create_directory(run.root, error)) {
    throw Error("cannot create run directory '" + run.root.string() +
                "': " + (error ? error.message() : std::string("it already exists")));
  }
  std::filesystem::create_directory(run.checkpoints());
  std::filesystem::create_directory(run.failures());
  return run;
}

RunDirectory open_run_directory(const std::filesystem::path& root) {
  RunDirectory run{root};
  if (!std::filesystem::is_regular_file(run.config_json()))
    throw Error("'" + root.string() + "' is not a run directory (no config.json)");
  std::filesystem::create_directories(run.checkpoints());
  std::filesystem::create_directories(run.failures());
  return run;
}

}  // namespace dreamer
