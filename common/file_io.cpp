#include "common/file_io.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>

#include "common/error.hpp"

namespace dreamer {
namespace {

[[noreturn]] void throw_io(const std::string& what, const std::filesystem::path& path) {
  throw Error(what + " '" + path.string() + "': " + std::strerror(errno));
}

void write_all(int fd, std::string_view contents, const std::filesystem::path& path) {
  const char* data = contents.data();
  std::size_t left = contents.size();
  while (left > 0) {
    const ssize_t written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      throw_io("cannot write", path);
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
}

}  // namespace

std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path) {
  // A directory opens as a stream and then fails inside the library with a
  // message that names no file.
  std::error_code ignored;
  if (std::filesystem::is_directory(path, ignored)) throw Error("'" + path.string() + "' is a directory, not a file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw_io("cannot open", path);
  std::vector<std::uint8_t> bytes;
  try {
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::exception&) {
    throw_io("cannot read", path);
  }
  if (in.bad()) throw_io("cannot read", path);
  return bytes;
}

std::string read_file_text(const std::filesystem::path& path) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  return std::string(bytes.begin(), bytes.end());
}

void fsync_path(const std::filesystem::path& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_io("cannot open for fsync", path);
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw_io("cannot fsync", path);
}

void write_file_atomic(const std::filesystem::path& path, std::string_view contents) {
  std::filesystem::path temp = path;
  temp += ".tmp." + std::to_string(::getpid());
  const int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) throw_io("cannot create", temp);
  try {
    try {
      write_all(fd, contents, temp);
    } catch (...) {
      ::close(fd);
      throw;
    }
    if (::close(fd) != 0) throw_io("cannot close", temp);
    publish_file(temp, path);
  } catch (...) {
    std::error_code ignored;
    std::filesystem::remove(temp, ignored);
    throw;
  }
}

void publish_file(const std::filesystem::path& temporary, const std::filesystem::path& target) {
  fsync_path(temporary);
  std::error_code error;
  std::filesystem::rename(temporary, target, error);
  if (error) throw Error("cannot rename '" + temporary.string() + "' to '" + target.string() + "': " + error.message());
  fsync_path(target.has_parent_path() ? target.parent_path() : std::filesystem::path("."));
}

}  // namespace dreamer
