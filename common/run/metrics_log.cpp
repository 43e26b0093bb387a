#include "common/run/metrics_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "common/file_io.hpp"

namespace dreamer {
namespace {

[[noreturn]] void throw_io(const std::string& what, const std::filesystem::path& path) {
  throw Error(what + " '" + path.string() + "': " + std::strerror(errno));
}

// Cuts the file back to its last newline; returns the number of bytes cut.
std::size_t cut_partial_tail(const std::filesystem::path& path) {
  std::error_code error;
  const auto size = std::filesystem::file_size(path, error);
  if (error || size == 0) return 0;
  const std::string text = read_file_text(path);
  const std::size_t last_newline = text.rfind('\n');
  const std::size_t keep = last_newline == std::string::npos ? 0 : last_newline + 1;
  if (keep == text.size()) return 0;
  std::filesystem::resize_file(path, keep);
  return text.size() - keep;
}

}  // namespace

MetricsLog::MetricsLog(const std::filesystem::path& path) : path_(path) {
  repaired_bytes_ = cut_partial_tail(path_);
  fd_ = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd_ < 0) throw_io("cannot open metrics log", path_);
}

MetricsLog::~MetricsLog() {
  if (fd_ >= 0) ::close(fd_);
}

void MetricsLog::append(const nlohmann::json& record) {
  const std::string line = record.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  // One write of the whole line; retry only if the kernel wrote nothing.
  for (;;) {
    const ssize_t written = ::write(fd_, line.data(), line.size());
    if (written == static_cast<ssize_t>(line.size())) return;
    if (written < 0 && errno == EINTR) continue;
    if (written < 0) throw_io("cannot append to metrics log", path_);
    throw Error("short write to metrics log '" + path_.string() + "' (disk full?)");
  }
}

void MetricsLog::sync() {
  if (::fdatasync(fd_) != 0) throw_io("cannot sync metrics log", path_);
}

std::vector<nlohmann::json> read_metrics_log(const std::filesystem::path& path) {
  std::ifstream in(path);
  if (!in) throw Error("cannot open metrics log '" + path.string() + "'");
  const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<nlohmann::json> records;
  std::size_t start = 0;
  int line_number = 0;
  while (start < text.size()) {
    const std::size_t end = text.find('\n', start);
    if (end == std::string::npos) break;  // partial last line: ignored
    ++line_number;
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;
    try {
      records.push_back(nlohmann::json::parse(line));
    } catch (const nlohmann::json::exception& error) {
      throw Error(path.string() + ":" + std::to_string(line_number) + ": malformed record: " + error.what());
    }
  }
  return records;
}

}  // namespace dreamer
