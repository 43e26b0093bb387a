#pragma once
// NumPy .npy files of uint8 (dtype '|u1' or '<u1', C order), versions 1.0,
// 2.0 and 3.0: what the Python predecessor wrote for goal templates
// ([72, 80] shades 0..3) and frame stacks ([k, 72, 80]).
#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

namespace dreamer {

struct NpyU8 {
  std::vector<std::int64_t> shape;
  std::vector<std::uint8_t> data;  // C order, product(shape) bytes
};

// Throws dreamer::Error naming the file and the problem (magic, version,
// dtype, fortran_order, shape, size).
NpyU8 parse_npy_u8(std::span<const std::uint8_t> bytes, const std::string& source);
NpyU8 read_npy_u8(const std::filesystem::path& path);

// Writes a version 1.0 file atomically.
void write_npy_u8(const std::filesystem::path& path, const NpyU8& array);

}  // namespace dreamer
