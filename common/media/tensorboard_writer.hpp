#pragma once
// TensorBoard scalar event files, written without TensorFlow.
//
// An event file is a TFRecord stream of serialized Event protos
// (common/media/proto/event.proto):
//
//   +----------------+----------------------+-------------+----------------------+
//   | uint64 length  | uint32 masked crc32c | data        | uint32 masked crc32c |
//   | little endian  | of the 8 length bytes| length bytes| of data              |
//   +----------------+----------------------+-------------+----------------------+
//
// The first record is Event{wall_time, file_version: "brain.Event:2"}; each
// add_scalars() appends Event{wall_time, step, summary{value{tag,
// simple_value}}...} and flushes, so `tensorboard --logdir` shows a run
// while it trains. The file is events.out.tfevents.<unix seconds>.<host>.<pid>
// in the given folder (created if needed; an existing file is appended to).
//
// TensorBoardWriter is not thread-safe: one owner (the gate role) writes.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace dreamer {

class TensorBoardWriter {
 public:
  // Throws dreamer::Error when the folder or file cannot be created.
  explicit TensorBoardWriter(const std::filesystem::path& directory);
  ~TensorBoardWriter();
  TensorBoardWriter(const TensorBoardWriter&) = delete;
  TensorBoardWriter& operator=(const TensorBoardWriter&) = delete;

  // One event with every scalar (stored as float, as TensorBoard does);
  // non-finite values are written as they are (TensorBoard shows NaN).
  void add_scalars(std::int64_t step, const std::map<std::string, double>& scalars);
  const std::filesystem::path& path() const { return path_; }

 private:
  void write_record(const std::string& data);

  std::filesystem::path path_;
  std::FILE* file_ = nullptr;
};

// For tests and inspection: every scalar of an event file in order. Throws
// dreamer::Error on a truncated record or a CRC mismatch.
struct TensorBoardScalar {
  std::int64_t step = 0;
  double wall_time = 0.0;
  std::string tag;
  float value = 0.0f;
};
struct TensorBoardEventFile {
  std::string file_version;  // from the first record
  std::vector<TensorBoardScalar> scalars;
  std::size_t records = 0;
};
TensorBoardEventFile read_tensorboard_event_file(const std::filesystem::path& path);

}  // namespace dreamer
