// The one HDF5 layer: round trips of every kind of object it writes, and the
// one-line errors for what a file lacks or holds wrongly.
#include "common/hdf5/hdf5_file.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "tests/common/scratch_dir_test.hpp"

namespace dreamer::hdf5 {
namespace {

namespace fs = std::filesystem;

class Hdf5File : public ScratchDirTest {
 protected:
  void SetUp() override {
    ScratchDirTest::SetUp();
    path_ = dir_ / "file.h5";
  }

  template <typename Read>
  static std::string error_of(Read read) {
    try {
      read();
    } catch (const Error& error) {
      return error.what();
    }
    return "";
  }

  fs::path path_;
};

TEST_F(Hdf5File, EveryKindOfObjectReadsBackAsWritten) {
  const std::vector<float> values = {1.5f, -2.f, 3.25f, 0.f, 7.f, 8.f};
  const std::vector<std::uint16_t> halves = {1, 65535};
  {
    Handle file = create_file(path_);
    write_dataset(file.get(), "a/b/values", ElementType::kFloat32, {2, 3}, values.data(), /*compress=*/true);
    write_dataset(file.get(), "halves", ElementType::kUInt16, {2}, halves.data());
    const std::int64_t scalar = -42;
    write_dataset(file.get(), "scalar", ElementType::kInt64, {}, &scalar);
    write_string_dataset(file.get(), "text", "hello");
    write_string_dataset(file.get(), "empty", "");
    write_string_array(file.get(), "texts", {"one", "", "three"});
    Handle group = create_group(file.get(), "meta");
    write_int_attribute(group.get(), "count", 1LL << 40);
    write_double_attribute(group.get(), "ratio", 0.125);
    write_string_attribute(group.get(), "name", "dreamer");
    group.close();
    file.close();
  }
  Handle file = open_file_read_only(path_);
  std::vector<float> read(6);
  read_dataset(file.get(), "a/b/values", ElementType::kFloat32, {2, 3}, read.data());
  EXPECT_EQ(read, values);
  std::vector<std::uint16_t> read_halves(2);
  read_dataset(file.get(), "halves", ElementType::kUInt16, {2}, read_halves.data());
  EXPECT_EQ(read_halves, halves);
  std::int64_t scalar = 0;
  read_dataset(file.get(), "scalar", ElementType::kInt64, {}, &scalar);
  EXPECT_EQ(scalar, -42);
  EXPECT_EQ(read_string_dataset(file.get(), "text"), "hello");
  EXPECT_EQ(read_string_dataset(file.get(), "empty"), "");
  EXPECT_EQ(read_string_array(file.get(), "texts"), (std::vector<std::string>{"one", "", "three"}));
  Handle group = open_group(file.get(), "meta");
  EXPECT_EQ(read_int_attribute(group.get(), "count"), 1LL << 40);
  EXPECT_EQ(read_double_attribute(group.get(), "ratio"), 0.125);
  EXPECT_EQ(read_string_attribute(group.get(), "name"), "dreamer");
  EXPECT_EQ(attribute_names(group.get()), (std::vector<std::string>{"count", "name", "ratio"}));
  EXPECT_EQ(link_names(file.get()),
            (std::vector<std::string>{"a", "empty", "halves", "meta", "scalar", "text", "texts"}));
  EXPECT_EQ(dataset_type_name(open_dataset(file.get(), "a/b/values").get()), "float32");
  EXPECT_TRUE(exists(file.get(), "a/b/values"));
  EXPECT_FALSE(exists(file.get(), "a/c/values"));
}

TEST_F(Hdf5File, WhatAFileLacksOrHoldsWronglyIsOneLineNamingTheObject) {
  {
    Handle file = create_file(path_);
    const std::vector<std::int64_t> values(6, 1);
    write_dataset(file.get(), "group/values", ElementType::kInt64, {2, 3}, values.data());
    write_int_attribute(file.get(), "version", 1);
    write_string_dataset(file.get(), "text", "x");
    file.close();
  }
  Handle file = open_file_read_only(path_);
  std::vector<double> doubles(6);
  EXPECT_EQ(error_of([&] {
              read_dataset(file.get(), "group/values", ElementType::kFloat64, {2, 3}, doubles.data());
            }),
            "dataset '/group/values' holds int64, expected float64");
  std::vector<std::int64_t> longs(6);
  EXPECT_EQ(error_of([&] {
              read_dataset(file.get(), "group/values", ElementType::kInt64, {3, 2}, longs.data());
            }),
            "dataset '/group/values' has shape [2, 3], expected [3, 2]");
  Handle group = open_group(file.get(), "group");
  EXPECT_EQ(error_of([&] { read_dataset(group.get(), "other", ElementType::kInt64, {1}, longs.data()); }),
            "missing dataset '/group/other'");
  EXPECT_EQ(error_of([&] { open_group(group.get(), "inner"); }), "missing group '/group/inner'");
  EXPECT_EQ(error_of([&] { read_string_attribute(file.get(), "version"); }),
            "attribute 'version' of '/' is not a fixed-length string");
  EXPECT_EQ(error_of([&] { read_double_attribute(file.get(), "version"); }),
            "attribute 'version' of '/' is not a scalar float");
  EXPECT_EQ(error_of([&] { read_int_attribute(group.get(), "version"); }), "missing attribute 'version' of '/group'");
  EXPECT_EQ(error_of([&] { read_string_array(file.get(), "text"); }), "dataset '/text' is not a 1-D string array");
  EXPECT_EQ(error_of([&] { read_string_dataset(file.get(), "group/values"); }),
            "dataset '/group/values' is not a fixed-length string");
}

TEST_F(Hdf5File, ATextFileIsNotOpened) {
  write_file_atomic(path_, "not hdf5\n");
  const std::string error = error_of([&] { open_file_read_only(path_); });
  EXPECT_NE(error.find(path_.string()), std::string::npos) << error;
  EXPECT_NE(error.find("is not a readable HDF5 file"), std::string::npos) << error;
}

TEST_F(Hdf5File, PublishFileReplacesTheTargetAndAFailedRenameLeavesIt) {
  const fs::path target = dir_ / "target.txt";
  write_file_atomic(target, "old\n");
  const fs::path temporary = dir_ / "target.txt.tmp";
  write_file_atomic(temporary, "new\n");
  publish_file(temporary, target);
  EXPECT_EQ(read_file_text(target), "new\n");
  EXPECT_FALSE(fs::exists(temporary));

  // A directory in the way of the rename: one error naming both paths.
  const fs::path blocked = dir_ / "blocked";
  fs::create_directories(blocked / "inside");
  write_file_atomic(temporary, "newer\n");
  const std::string error = error_of([&] { publish_file(temporary, blocked); });
  EXPECT_NE(error.find("cannot rename '" + temporary.string() + "' to '" + blocked.string() + "'"), std::string::npos)
      << error;
  EXPECT_EQ(read_file_text(temporary), "newer\n");
}

}  // namespace
}  // namespace dreamer::hdf5
