#include "common/media/tensorboard_writer.hpp"

#include <unistd.h>

#include <chrono>
#include <cstring>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/media/crc32c.hpp"
#include "common/media/proto/event.pb.h"

namespace dreamer {
namespace {

double wall_time_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void put_le(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xFFu));
}

std::uint64_t get_le(const std::vector<std::uint8_t>& bytes, std::size_t at, int count) {
  std::uint64_t value = 0;
  for (int i = 0; i < count; ++i)
    value |= static_cast<std::uint64_t>(bytes[at + static_cast<std::size_t>(i)]) << (8 * i);
  return value;
}

std::string host_name() {
  char name[256] = {};
  if (::gethostname(name, sizeof(name) - 1) != 0) return "localhost";
  return name;
}

}  // namespace

TensorBoardWriter::TensorBoardWriter(const std::filesystem::path& directory) {
  std::error_code error;
  std::filesystem::create_directories(directory, error);
  if (error) throw Error("cannot create TensorBoard folder '" + directory.string() + "': " + error.message());
  const auto seconds = static_cast<long long>(wall_time_now());
  path_ = directory /
          ("events.out.tfevents." + std::to_string(seconds) + "." + host_name() + "." + std::to_string(::getpid()));
  file_ = std::fopen(path_.c_str(), "ab");
  if (file_ == nullptr) throw Error("cannot open '" + path_.string() + "': " + std::strerror(errno));
  tensorboard::Event event;
  event.set_wall_time(wall_time_now());
  event.set_file_version("brain.Event:2");
  write_record(event.SerializeAsString());
}

TensorBoardWriter::~TensorBoardWriter() {
  if (file_ != nullptr) std::fclose(file_);
}

void TensorBoardWriter::add_scalars(std::int64_t step, const std::map<std::string, double>& scalars) {
  tensorboard::Event event;
  event.set_wall_time(wall_time_now());
  event.set_step(step);
  auto* summary = event.mutable_summary();
  for (const auto& [tag, value] : scalars) {
    auto* entry = summary->add_value();
    entry->set_tag(tag);
    entry->set_simple_value(static_cast<float>(value));
  }
  write_record(event.SerializeAsString());
}

void TensorBoardWriter::write_record(const std::string& data) {
  std::string header;
  put_le(header, data.size(), 8);
  std::string record = header;
  put_le(record, mask_crc32c(crc32c(header)), 4);
  record += data;
  put_le(record, mask_crc32c(crc32c(data)), 4);
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size() || std::fflush(file_) != 0) {
    throw Error("cannot write '" + path_.string() + "': " + std::strerror(errno));
  }
}

TensorBoardEventFile read_tensorboard_event_file(const std::filesystem::path& path) {
  const std::vector<std::uint8_t> bytes = read_file_bytes(path);
  const std::string source = path.string();
  TensorBoardEventFile result;
  std::size_t at = 0;
  while (at < bytes.size()) {
    const std::string where = source + ": record " + std::to_string(result.records) + " at byte " + std::to_string(at);
    if (bytes.size() - at < 12) throw Error(where + ": truncated header");
    const std::uint64_t length = get_le(bytes, at, 8);
    const std::span<const std::uint8_t> header(bytes.data() + at, 8);
    if (unmask_crc32c(static_cast<std::uint32_t>(get_le(bytes, at + 8, 4))) != crc32c(header)) {
      throw Error(where + ": length CRC mismatch");
    }
    if (bytes.size() - at - 12 < length + 4) throw Error(where + ": truncated data");
    const std::span<const std::uint8_t> data(bytes.data() + at + 12, length);
    if (unmask_crc32c(static_cast<std::uint32_t>(get_le(bytes, at + 12 + length, 4))) != crc32c(data)) {
      throw Error(where + ": data CRC mismatch");
    }
    tensorboard::Event event;
    if (!event.ParseFromArray(data.data(), static_cast<int>(data.size()))) throw Error(where + ": not an Event");
    if (event.has_file_version()) result.file_version = event.file_version();
    if (event.has_summary()) {
      for (const auto& value : event.summary().value()) {
        result.scalars.push_back({event.step(), event.wall_time(), value.tag(), value.simple_value()});
      }
    }
    ++result.records;
    at += 12 + length + 4;
  }
  return result;
}

}  // namespace dreamer
