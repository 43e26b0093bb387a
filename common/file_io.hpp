#pragma once
// Whole-file reads and crash-safe writes. write_file_atomic() follows the
// pattern every durable artifact here uses: write a temporary file beside the
// target, fsync it, rename it over the target, fsync the directory. A reader
// sees the old file or the new one, never a torn one.
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace dreamer {

// Throws dreamer::Error naming the path when the file cannot be read.
std::vector<std::uint8_t> read_file_bytes(const std::filesystem::path& path);
std::string read_file_text(const std::filesystem::path& path);

void write_file_atomic(const std::filesystem::path& path, std::string_view contents);

// The last steps of that pattern for a temporary file already written and
// closed: fsync it, rename it over `target`, fsync the directory. Throws
// dreamer::Error naming the path that failed; the temporary file is left for
// the caller to remove.
void publish_file(const std::filesystem::path& temporary, const std::filesystem::path& target);

// fsync on a file or directory (directories: makes a rename durable).
void fsync_path(const std::filesystem::path& path);

}  // namespace dreamer
