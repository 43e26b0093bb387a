#include "actors/env/npy.hpp"

#include <regex>
#include <string>

#include "common/error.hpp"
#include "common/file_io.hpp"

namespace dreamer {
namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr std::size_t kMagicLength = 6;

[[noreturn]] void fail(const std::string& source, const std::string& problem) {
  throw Error(source + ": not a usable uint8 .npy file: " + problem);
}

std::string field(const std::string& header, const std::string& key, const std::string& source) {
  // The header is a Python dict literal: {'descr': '|u1', 'fortran_order': False, 'shape': (72, 80), }
  const std::regex pattern("'" + key + "'\\s*:\\s*('[^']*'|True|False|\\([^)]*\\))");
  std::smatch match;
  if (!std::regex_search(header, match, pattern)) fail(source, "header has no '" + key + "'");
  return match[1].str();
}

}  // namespace

NpyU8 parse_npy_u8(std::span<const std::uint8_t> bytes, const std::string& source) {
  if (bytes.size() < 10 || std::string(bytes.begin(), bytes.begin() + kMagicLength) != kMagic)
    fail(source, "missing \\x93NUMPY magic");
  const int major = bytes[6];
  std::size_t header_length = 0;
  std::size_t header_start = 0;
  if (major == 1) {
    header_length = bytes[8] | static_cast<std::size_t>(bytes[9]) << 8;
    header_start = 10;
  } else if (major == 2 || major == 3) {
    if (bytes.size() < 12) fail(source, "truncated header");
    header_length = bytes[8] | static_cast<std::size_t>(bytes[9]) << 8 | static_cast<std::size_t>(bytes[10]) << 16 |
                    static_cast<std::size_t>(bytes[11]) << 24;
    header_start = 12;
  } else {
    fail(source, "unsupported format version " + std::to_string(major));
  }
  if (bytes.size() < header_start + header_length) fail(source, "truncated header");
  const std::string header(bytes.begin() + header_start, bytes.begin() + header_start + header_length);

  const std::string descr = field(header, "descr", source);
  if (descr != "'|u1'" && descr != "'<u1'" && descr != "'u1'")
    fail(source, "dtype is " + descr + ", expected '|u1' (uint8)");
  if (field(header, "fortran_order", source) != "False") fail(source, "fortran_order is True");

  NpyU8 array;
  const std::string shape = field(header, "shape", source);
  const std::regex number("\\d+");
  std::int64_t count = 1;
  for (auto it = std::sregex_iterator(shape.begin(), shape.end(), number); it != std::sregex_iterator(); ++it) {
    array.shape.push_back(std::stoll(it->str()));
    count *= array.shape.back();
  }
  const std::size_t data_start = header_start + header_length;
  if (bytes.size() - data_start != static_cast<std::size_t>(count))
    fail(source, "data holds " + std::to_string(bytes.size() - data_start) + " bytes, shape " + shape + " needs " +
                     std::to_string(count));
  array.data.assign(bytes.begin() + static_cast<std::ptrdiff_t>(data_start), bytes.end());
  return array;
}

NpyU8 read_npy_u8(const std::filesystem::path& path) { return parse_npy_u8(read_file_bytes(path), path.string()); }

void write_npy_u8(const std::filesystem::path& path, const NpyU8& array) {
  std::string shape = "(";
  for (std::size_t i = 0; i < array.shape.size(); ++i) {
    shape += std::to_string(array.shape[i]);
    shape += (array.shape.size() == 1 || i + 1 < array.shape.size()) ? ", " : "";
  }
  shape += ")";
  std::string header = "{'descr': '|u1', 'fortran_order': False, 'shape': " + shape + ", }";
  // Pad with spaces so that magic + length + header + '\n' is a multiple of 64.
  const std::size_t unpadded = kMagicLength + 4 + header.size() + 1;
  header.append((64 - unpadded % 64) % 64, ' ');
  header.push_back('\n');
  std::string contents(kMagic, kMagicLength);
  contents.push_back('\x01');
  contents.push_back('\x00');
  contents.push_back(static_cast<char>(header.size() & 0xff));
  contents.push_back(static_cast<char>(header.size() >> 8));
  contents += header;
  contents.append(array.data.begin(), array.data.end());
  write_file_atomic(path, contents);
}

}  // namespace dreamer
