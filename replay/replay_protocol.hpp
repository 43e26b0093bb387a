#pragma once
// The replay role's protocol: the requests actors and learners send it and
// its answers, whatever carries the bytes (MPI between ranks:
// launch/role_messages.hpp). replay_server.hpp serves them.
//
//   message     from -> to          bytes
//   kChunk      actor -> replay     TrajectoryChunk::encode()
//   kChunkAck   replay -> actor     int32 status
//   kSampleAsk  learner -> replay   int32 0
//   kSample     replay -> learner   int32 status, then (if ok) the SampleBatch block
//
// Status 0 is ok, 1 closed (the run is stopping). A chunk is acked when the
// rate limiter admits it, which is how actors are held back; an actor sends
// its next chunk only after that ack. An ask is answered when the limiter
// admits a sample. Integers are in host byte order (one machine's ranks).
//
// Every decode_* throws one dreamer::Error naming the message when its bytes
// are not one whole message of its kind.
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "replay/sample_batch.hpp"

namespace dreamer::replay {

enum class ReplayMessage { kChunk, kChunkAck, kSampleAsk, kSample };
enum class ReplyStatus : std::int32_t { kOk = 0, kClosed = 1 };

using Int32Message = std::array<std::uint8_t, 4>;

Int32Message encode_chunk_ack(ReplyStatus status);
ReplyStatus decode_chunk_ack(std::span<const std::uint8_t> bytes);

Int32Message encode_sample_ask();
void decode_sample_ask(std::span<const std::uint8_t> bytes);

// The kSample answer, written into `out` (reused from answer to answer): the
// status, then batch's whole block when kOk.
std::span<const std::uint8_t> encode_sample(ReplyStatus status, const SampleBatch& batch,
                                            std::vector<std::uint8_t>& out);
// On kOk copies the block into `batch`, which must have the sender's shape.
ReplyStatus decode_sample(std::span<const std::uint8_t> bytes, SampleBatch& batch);

// How the replay server's messages travel. Never blocks.
class ReplayTransport {
 public:
  struct Received {
    int client = 0;  // the sender, as send() names it
    std::span<const std::uint8_t> bytes;
  };
  virtual ~ReplayTransport() = default;
  // The next waiting request of `kind` (kChunk or kSampleAsk), if any. A
  // chunk's bytes stay valid and unchanged until its client's next chunk is
  // received.
  virtual std::optional<Received> receive(ReplayMessage kind) = 0;
  // Sends an answer (kChunkAck or kSample) to `client`.
  virtual void send(int client, ReplayMessage kind, std::span<const std::uint8_t> bytes) = 0;
};

}  // namespace dreamer::replay
