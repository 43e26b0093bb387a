#include "launch/role_messages.hpp"

#include <string>

#include "common/error.hpp"
#include "common/mpi/mpi_check.hpp"

namespace dreamer {

void send_bytes(std::span<const std::uint8_t> bytes, int destination, RoleTag tag) {
  DREAMER_CHECK_MPI(MPI_Send(bytes.data(), static_cast<int>(bytes.size()), MPI_BYTE, destination, tag, MPI_COMM_WORLD));
}

std::span<std::uint8_t> receive_bytes(std::vector<std::uint8_t>& buffer, int source, RoleTag tag, int* from) {
  MPI_Status status;
  DREAMER_CHECK_MPI(MPI_Probe(source, tag, MPI_COMM_WORLD, &status));
  int count = 0;
  DREAMER_CHECK_MPI(MPI_Get_count(&status, MPI_BYTE, &count));
  if (buffer.size() < static_cast<std::size_t>(count)) buffer.resize(static_cast<std::size_t>(count));
  DREAMER_CHECK_MPI(
      MPI_Recv(buffer.data(), count, MPI_BYTE, status.MPI_SOURCE, tag, MPI_COMM_WORLD, MPI_STATUS_IGNORE));
  if (from != nullptr) *from = status.MPI_SOURCE;
  return {buffer.data(), static_cast<std::size_t>(count)};
}

std::vector<std::uint8_t> receive_bytes(int source, RoleTag tag, int* from) {
  std::vector<std::uint8_t> bytes;
  receive_bytes(bytes, source, tag, from);
  return bytes;
}

bool message_waiting(int source, RoleTag tag, int* from) {
  int flag = 0;
  MPI_Status status;
  DREAMER_CHECK_MPI(MPI_Iprobe(source, tag, MPI_COMM_WORLD, &flag, &status));
  if (flag != 0 && from != nullptr) *from = status.MPI_SOURCE;
  return flag != 0;
}

void send_json(const nlohmann::json& value, int destination, RoleTag tag) {
  const std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  send_bytes({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, destination, tag);
}

nlohmann::json receive_json(int source, RoleTag tag, int* from) {
  const std::vector<std::uint8_t> bytes = receive_bytes(source, tag, from);
  return nlohmann::json::parse(bytes.begin(), bytes.end());
}

void send_int(std::int32_t value, int destination, RoleTag tag) {
  DREAMER_CHECK_MPI(MPI_Send(&value, 4, MPI_BYTE, destination, tag, MPI_COMM_WORLD));
}

std::int32_t receive_int(int source, RoleTag tag, int* from) {
  std::int32_t value = 0;
  MPI_Status status;
  DREAMER_CHECK_MPI(MPI_Recv(&value, 4, MPI_BYTE, source, tag, MPI_COMM_WORLD, &status));
  if (from != nullptr) *from = status.MPI_SOURCE;
  return value;
}

RoleTag role_tag(replay::ReplayMessage kind) {
  switch (kind) {
    case replay::ReplayMessage::kChunk:
      return kChunk;
    case replay::ReplayMessage::kChunkAck:
      return kChunkAck;
    case replay::ReplayMessage::kSampleAsk:
      return kSampleAsk;
    case replay::ReplayMessage::kSample:
      return kSample;
  }
  DREAMER_ASSERT(false, "unknown replay message");
  return kChunk;
}

std::optional<replay::ReplayTransport::Received> MpiReplayTransport::receive(replay::ReplayMessage kind) {
  const RoleTag tag = role_tag(kind);
  int sender = 0;
  if (!message_waiting(MPI_ANY_SOURCE, tag, &sender)) return std::nullopt;
  std::vector<std::uint8_t>& buffer = kind == replay::ReplayMessage::kChunk ? chunk_buffers_[sender] : ask_buffer_;
  return Received{sender, receive_bytes(buffer, sender, tag)};
}

void MpiReplayTransport::send(int client, replay::ReplayMessage kind, std::span<const std::uint8_t> bytes) {
  send_bytes(bytes, client, role_tag(kind));
}

}  // namespace dreamer
