#include "common/media/tensorboard_writer.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/media/crc32c.hpp"
#include "tests/common/scratch_dir_test.hpp"

namespace dreamer {
namespace {

class TensorBoardWriterTest : public ScratchDirTest {};

std::uint64_t little_endian(const std::vector<std::uint8_t>& bytes, std::size_t at, int count) {
  std::uint64_t value = 0;
  for (int i = count - 1; i >= 0; --i) value = (value << 8) | bytes[at + static_cast<std::size_t>(i)];
  return value;
}

TEST_F(TensorBoardWriterTest, WritesScalarsThatReadBackWithTheirSteps) {
  std::filesystem::path path;
  {
    TensorBoardWriter writer(dir_);
    path = writer.path();
    writer.add_scalars(10, {{"loss_model", 1.5}, {"obs_nll", 0.25}});
    writer.add_scalars(20, {{"loss_model", 0.75}});
  }
  EXPECT_EQ(path.parent_path(), dir_);
  EXPECT_EQ(path.filename().string().rfind("events.out.tfevents.", 0), 0u);
  const TensorBoardEventFile file = read_tensorboard_event_file(path);
  EXPECT_EQ(file.file_version, "brain.Event:2");
  EXPECT_EQ(file.records, 3u);
  ASSERT_EQ(file.scalars.size(), 3u);
  EXPECT_EQ(file.scalars[0].step, 10);
  EXPECT_EQ(file.scalars[0].tag, "loss_model");
  EXPECT_EQ(file.scalars[0].value, 1.5f);
  EXPECT_EQ(file.scalars[1].tag, "obs_nll");
  EXPECT_EQ(file.scalars[1].value, 0.25f);
  EXPECT_EQ(file.scalars[2].step, 20);
  EXPECT_EQ(file.scalars[2].value, 0.75f);
  EXPECT_GT(file.scalars[2].wall_time, 1.7e9);
}

TEST_F(TensorBoardWriterTest, RecordFramingIsLengthCrcDataCrc) {
  std::filesystem::path path;
  {
    TensorBoardWriter writer(dir_);
    path = writer.path();
  }
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  ASSERT_GE(bytes.size(), 16u);
  const std::uint64_t length = little_endian(bytes, 0, 8);
  ASSERT_EQ(bytes.size(), 8 + 4 + length + 4);  // exactly one record
  EXPECT_EQ(little_endian(bytes, 8, 4), mask_crc32c(crc32c(std::span(bytes.data(), 8))));
  EXPECT_EQ(little_endian(bytes, 12 + length, 4), mask_crc32c(crc32c(std::span(bytes.data() + 12, length))));
  // The payload is Event{wall_time (field 1, fixed64), file_version (field 3, bytes)}:
  // tag 0x09, 8 bytes of double, tag 0x1a, length 13, "brain.Event:2".
  ASSERT_EQ(length, 1 + 8 + 1 + 1 + 13);
  EXPECT_EQ(bytes[12], 0x09);
  EXPECT_EQ(bytes[21], 0x1a);
  EXPECT_EQ(bytes[22], 13);
  EXPECT_EQ(std::string(bytes.begin() + 23, bytes.begin() + 36), "brain.Event:2");
}

TEST_F(TensorBoardWriterTest, CorruptedRecordIsReported) {
  std::filesystem::path path;
  {
    TensorBoardWriter writer(dir_);
    path = writer.path();
    writer.add_scalars(1, {{"x", 1.0}});
  }
  std::vector<std::uint8_t> bytes = read_file_bytes(path);
  bytes[bytes.size() - 6] ^= 0x01;  // a data byte of the last record
  write_file_atomic(path, std::string(bytes.begin(), bytes.end()));
  EXPECT_THROW(read_tensorboard_event_file(path), Error);
  bytes.resize(bytes.size() - 3);
  write_file_atomic(path, std::string(bytes.begin(), bytes.end()));
  EXPECT_THROW(read_tensorboard_event_file(path), Error);
}

// Runs with the python the build was configured with (DREAMER_PYTHON, the
// venv of launch/setup.sh, which installs tensorboard): there a missing
// package is a failure, not a skip.
TEST_F(TensorBoardWriterTest, TensorBoardItselfReadsTheFile) {
#ifndef DREAMER_PYTHON_EXE
  GTEST_SKIP() << "configured without DREAMER_PYTHON: no python to run TensorBoard with";
#else
  const std::string python = DREAMER_PYTHON_EXE;
  ASSERT_EQ(std::system((python + " -c 'import tensorboard'").c_str()), 0)
      << python << " lacks the tensorboard package (launch/setup.sh installs it)";
  {
    TensorBoardWriter writer(dir_);
    writer.add_scalars(5, {{"obs_nll", 2.5}});
  }
  const std::string script =
      "from tensorboard.backend.event_processing.event_accumulator import EventAccumulator as E\n"
      "a = E('" +
      dir_.string() +
      "'); a.Reload(); s = a.Scalars('obs_nll')\n"
      "assert len(s) == 1 and s[0].step == 5 and s[0].value == 2.5, s\n";
  const std::filesystem::path script_path = dir_ / "check.py";
  write_file_atomic(script_path, script);
  EXPECT_EQ(std::system((python + " " + script_path.string()).c_str()), 0);
#endif
}

}  // namespace
}  // namespace dreamer
