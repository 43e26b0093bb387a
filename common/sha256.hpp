#pragma once
// SHA-256 as lowercase hex (OpenSSL's EVP interface). Used to pin ROMs, save
// states and goal templates in run metadata and goal-template checks.
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>

namespace dreamer {

std::string sha256_hex(std::span<const std::uint8_t> bytes);
// Throws dreamer::Error naming the path when it cannot be read.
std::string sha256_file_hex(const std::filesystem::path& path);

}  // namespace dreamer
