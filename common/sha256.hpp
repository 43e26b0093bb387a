#pragma once
// SHA-256 (OpenSSL's EVP interface). Used to pin ROMs, save states and goal
// templates in run metadata and goal-template checks, and to seal the HDF5
// files a run reads back (common/hdf5/hdf5_seal.hpp).
#include <array>
#include <cstdint>
#include <filesystem>
#include <istream>
#include <span>
#include <string>

namespace dreamer {

// The 32 raw bytes of the digest.
std::array<std::uint8_t, 32> sha256_digest(std::span<const std::uint8_t> bytes);
// The digest as 64 lowercase hex digits.
std::string sha256_hex(std::span<const std::uint8_t> bytes);
// Throws dreamer::Error naming the path when it cannot be read.
std::string sha256_file_hex(const std::filesystem::path& path);
// Of a stream from its position to its end, read in 1 MiB blocks (so files of
// any size); throws dreamer::Error on a read error.
std::string sha256_stream_hex(std::istream& in);

}  // namespace dreamer
