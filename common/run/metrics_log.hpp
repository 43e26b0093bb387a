#pragma once
// metrics.jsonl: one JSON object per line. Each record goes out as a single
// write(2) of the whole line on an O_APPEND descriptor, so a crash leaves
// whole lines only; a torn tail (power loss, disk full) is cut off when the
// file is opened again. Non-finite numbers are written as null (JSON has no
// NaN); readers treat null metric values as non-finite.
//
// MetricsLog is not thread-safe: one owner (the gate role) appends.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <filesystem>
#include <vector>

namespace dreamer {

class MetricsLog {
 public:
  explicit MetricsLog(const std::filesystem::path& path);
  ~MetricsLog();
  MetricsLog(const MetricsLog&) = delete;
  MetricsLog& operator=(const MetricsLog&) = delete;

  void append(const nlohmann::json& record);
  // fdatasync: records so far survive a machine crash.
  void sync();
  // Bytes of a partial last line removed when the file was opened.
  std::size_t repaired_bytes() const { return repaired_bytes_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  int fd_ = -1;
  std::size_t repaired_bytes_ = 0;
};

// Reads every complete record. A partial last line is ignored; a malformed
// line elsewhere throws dreamer::Error naming the file and line number.
std::vector<nlohmann::json> read_metrics_log(const std::filesystem::path& path);

}  // namespace dreamer
