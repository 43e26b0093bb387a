#include "actors/env/npy.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>

#include "common/error.hpp"

namespace dreamer {
namespace {

// The bytes numpy 1.x writes for np.zeros((2, 3), np.uint8) + 1 .. 6 (hand-built).
std::vector<std::uint8_t> numpy_style_file(const std::string& dict, std::size_t data_bytes) {
  std::string header = dict;
  while ((10 + header.size() + 1) % 64 != 0) header.push_back(' ');
  header.push_back('\n');
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8);
  bytes.push_back(static_cast<char>(header.size()));
  bytes.push_back(0);
  bytes += header;
  for (std::size_t i = 0; i < data_bytes; ++i) bytes.push_back(static_cast<char>(i + 1));
  return {bytes.begin(), bytes.end()};
}

TEST(Npy, ParsesWhatNumpyWrites) {
  const auto bytes = numpy_style_file("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", 6);
  const NpyU8 array = parse_npy_u8(bytes, "test");
  EXPECT_EQ(array.shape, (std::vector<std::int64_t>{2, 3}));
  EXPECT_EQ(array.data, (std::vector<std::uint8_t>{1, 2, 3, 4, 5, 6}));
}

TEST(Npy, ReadsStacksOfFrames) {
  const auto bytes = numpy_style_file("{'descr': '|u1', 'fortran_order': False, 'shape': (4, 72, 80), }", 4 * 72 * 80);
  EXPECT_EQ(parse_npy_u8(bytes, "test").shape, (std::vector<std::int64_t>{4, 72, 80}));
}

TEST(Npy, RefusesOtherDtypesOrderAndSizes) {
  EXPECT_THROW(parse_npy_u8(numpy_style_file("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", 24), "t"),
               Error);
  EXPECT_THROW(parse_npy_u8(numpy_style_file("{'descr': '|u1', 'fortran_order': True, 'shape': (2, 3), }", 6), "t"),
               Error);
  EXPECT_THROW(parse_npy_u8(numpy_style_file("{'descr': '|u1', 'fortran_order': False, 'shape': (2, 3), }", 5), "t"),
               Error);
  const std::vector<std::uint8_t> not_npy = {'P', 'K', 3, 4, 0, 0, 0, 0, 0, 0, 0, 0};
  EXPECT_THROW(parse_npy_u8(not_npy, "t"), Error);
}

TEST(Npy, WriteThenReadRoundTripsAndIsAligned) {
  const auto path = std::filesystem::temp_directory_path() / "dreamer_npy_test.npy";
  NpyU8 array{{72, 80}, std::vector<std::uint8_t>(72 * 80)};
  for (std::size_t i = 0; i < array.data.size(); ++i) array.data[i] = static_cast<std::uint8_t>(i % 4);
  write_npy_u8(path, array);
  const NpyU8 back = read_npy_u8(path);
  EXPECT_EQ(back.shape, array.shape);
  EXPECT_EQ(back.data, array.data);
  EXPECT_EQ((std::filesystem::file_size(path) - array.data.size()) % 64, 0u);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace dreamer
