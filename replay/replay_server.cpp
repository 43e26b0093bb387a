#include "replay/replay_server.hpp"

#include <algorithm>
#include <chrono>
#include <string>

#include "common/error.hpp"

namespace dreamer::replay {
namespace {

ReplyStatus reply_status(LimiterStatus status) {
  return status == LimiterStatus::kOk ? ReplyStatus::kOk : ReplyStatus::kClosed;
}

}  // namespace

ReplayServer::ReplayServer(ReplayService& service, ReplayTransport& transport)
    : service_(service), transport_(transport), batch_(service.options().batch_size, service.options().seq_len) {}

bool ReplayServer::step() {
  bool worked = false;
  while (const auto message = transport_.receive(ReplayMessage::kChunk)) {
    const int client = message->client;
    if (std::any_of(chunks_.begin(), chunks_.end(), [client](const auto& chunk) { return chunk.first == client; }))
      throw Error("replay protocol: client " + std::to_string(client) + " sent a chunk before the ack of its last one");
    chunks_.emplace_back(client, TrajectoryChunkView::decode(message->bytes));
    worked = true;
  }
  while (const auto message = transport_.receive(ReplayMessage::kSampleAsk)) {
    decode_sample_ask(message->bytes);
    asks_.push_back(message->client);
    worked = true;
  }
  constexpr std::chrono::nanoseconds kNoWait(0);
  while (!chunks_.empty()) {
    const LimiterStatus status = service_.insert(chunks_.front().second, kNoWait);
    if (status == LimiterStatus::kTimedOut) break;
    transport_.send(chunks_.front().first, ReplayMessage::kChunkAck, encode_chunk_ack(reply_status(status)));
    chunks_.pop_front();
    worked = true;
  }
  while (!asks_.empty()) {
    const LimiterStatus status = service_.sample(batch_, kNoWait);
    if (status == LimiterStatus::kTimedOut) break;
    transport_.send(asks_.front(), ReplayMessage::kSample, encode_sample(reply_status(status), batch_, answer_));
    asks_.pop_front();
    worked = true;
  }
  return worked;
}

}  // namespace dreamer::replay
