#include "replay/replay_protocol.hpp"

#include <cstring>
#include <string>

#include "common/error.hpp"

namespace dreamer::replay {
namespace {

Int32Message encode_int32(std::int32_t value) {
  Int32Message bytes;
  std::memcpy(bytes.data(), &value, bytes.size());
  return bytes;
}

std::int32_t decode_int32(std::span<const std::uint8_t> bytes, const char* message) {
  if (bytes.size() < sizeof(std::int32_t))
    throw Error(std::string("replay protocol: ") + message + " of " + std::to_string(bytes.size()) +
                " bytes, expected at least 4");
  std::int32_t value = 0;
  std::memcpy(&value, bytes.data(), sizeof value);
  return value;
}

ReplyStatus decode_status(std::span<const std::uint8_t> bytes, const char* message) {
  const std::int32_t status = decode_int32(bytes, message);
  if (status != static_cast<std::int32_t>(ReplyStatus::kOk) &&
      status != static_cast<std::int32_t>(ReplyStatus::kClosed))
    throw Error(std::string("replay protocol: ") + message + " with unknown status " + std::to_string(status));
  return static_cast<ReplyStatus>(status);
}

void require_size(std::span<const std::uint8_t> bytes, std::size_t expected, const char* message) {
  if (bytes.size() != expected)
    throw Error(std::string("replay protocol: ") + message + " of " + std::to_string(bytes.size()) +
                " bytes, expected " + std::to_string(expected));
}

}  // namespace

Int32Message encode_chunk_ack(ReplyStatus status) { return encode_int32(static_cast<std::int32_t>(status)); }

ReplyStatus decode_chunk_ack(std::span<const std::uint8_t> bytes) {
  require_size(bytes, sizeof(std::int32_t), "chunk ack");
  return decode_status(bytes, "chunk ack");
}

Int32Message encode_sample_ask() { return encode_int32(0); }

void decode_sample_ask(std::span<const std::uint8_t> bytes) {
  require_size(bytes, sizeof(std::int32_t), "sample ask");
  if (decode_int32(bytes, "sample ask") != 0) throw Error("replay protocol: sample ask with a value other than 0");
}

std::span<const std::uint8_t> encode_sample(ReplyStatus status, const SampleBatch& batch,
                                            std::vector<std::uint8_t>& out) {
  const std::size_t block = status == ReplyStatus::kOk ? batch.size_bytes() : 0;
  out.resize(sizeof(std::int32_t) + block);
  const Int32Message head = encode_int32(static_cast<std::int32_t>(status));
  std::memcpy(out.data(), head.data(), head.size());
  if (block > 0) std::memcpy(out.data() + head.size(), batch.data(), block);
  return out;
}

ReplyStatus decode_sample(std::span<const std::uint8_t> bytes, SampleBatch& batch) {
  const ReplyStatus status = decode_status(bytes, "sample answer");
  const std::size_t block = status == ReplyStatus::kOk ? batch.size_bytes() : 0;
  require_size(bytes, sizeof(std::int32_t) + block,
               status == ReplyStatus::kOk ? "sample answer (ok) for this batch shape" : "sample answer (closed)");
  if (block > 0) std::memcpy(batch.data(), bytes.data() + sizeof(std::int32_t), block);
  return status;
}

}  // namespace dreamer::replay
