#pragma once
// The messages between role ranks (MPI point-to-point on MPI_COMM_WORLD):
//
//   tag          from -> to              payload
//   kChunk       actor -> replay         the replay protocol's messages
//   kChunkAck    replay -> actor           (replay/replay_protocol.hpp)
//   kSampleAsk   learner -> replay
//   kSample      replay -> learner
//   kWeights     learner 0 -> actors     int64 version, then float32 weights, flattened
//   kReport      any -> gate             JSON text (a metric record, "role" names the sender)
//   kStop        gate -> all             int32 0: stop now
//   kDone        actor/learner -> replay, gate; replay -> gate    JSON text (final report)
//
// Every message is one MPI message of MPI_BYTE (sizes via MPI_Probe +
// MPI_Get_count). None of MPI is CUDA-aware here: payloads are host memory.
#include <mpi.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "replay/replay_protocol.hpp"

namespace dreamer {

enum RoleTag : int {
  kChunk = 101,
  kChunkAck = 102,
  kSampleAsk = 103,
  kSample = 104,
  kWeights = 105,
  kReport = 106,
  kStop = 107,
  kDone = 108,
};

void send_bytes(std::span<const std::uint8_t> bytes, int destination, RoleTag tag);
// Receives the next message with `tag` from `source` (MPI_ANY_SOURCE allowed);
// returns its bytes and sets *from to the sender.
std::vector<std::uint8_t> receive_bytes(int source, RoleTag tag, int* from = nullptr);
// The same into `buffer`, reused from message to message: it grows when a
// message is larger (never shrinks, and is not cleared), so a hot receiver
// allocates once. Returns the message's bytes, the front of `buffer`.
std::span<std::uint8_t> receive_bytes(std::vector<std::uint8_t>& buffer, int source, RoleTag tag, int* from = nullptr);
// True when a message with `tag` from `source` is waiting; sets *from to its
// sender.
bool message_waiting(int source, RoleTag tag, int* from = nullptr);

void send_json(const nlohmann::json& value, int destination, RoleTag tag);
nlohmann::json receive_json(int source, RoleTag tag, int* from = nullptr);

void send_int(std::int32_t value, int destination, RoleTag tag);
std::int32_t receive_int(int source, RoleTag tag, int* from = nullptr);

// The tag that carries a replay protocol message.
RoleTag role_tag(replay::ReplayMessage kind);

// The replay server's side of the replay protocol: clients are ranks. Each
// rank's chunks arrive in a buffer of its own, reused from chunk to chunk.
class MpiReplayTransport final : public replay::ReplayTransport {
 public:
  std::optional<Received> receive(replay::ReplayMessage kind) override;
  void send(int client, replay::ReplayMessage kind, std::span<const std::uint8_t> bytes) override;

 private:
  std::map<int, std::vector<std::uint8_t>> chunk_buffers_;  // by sender rank
  std::vector<std::uint8_t> ask_buffer_;
};

}  // namespace dreamer
