// The replay protocol's messages, and the replay server over an in-process
// transport (the MPI one carries the same bytes between ranks).
#include "replay/replay_protocol.hpp"

#include <gtest/gtest.h>

#include <cstring>
#include <deque>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/error.hpp"
#include "replay/replay_server.hpp"
#include "replay_test_steps.hpp"

namespace dreamer::replay {
namespace {

using Bytes = std::vector<std::uint8_t>;

Bytes bytes_of(std::span<const std::uint8_t> span) { return {span.begin(), span.end()}; }

// Runs `decode` and expects one dreamer::Error whose message holds `words`.
template <class Decode>
void expect_refused(Decode decode, const std::string& words) {
  try {
    decode();
    ADD_FAILURE() << "no error; expected one saying '" << words << "'";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find(words), std::string::npos) << error.what();
  }
}

TEST(ReplayProtocol, ChunkAckAndSampleAskRoundTrip) {
  EXPECT_EQ(decode_chunk_ack(encode_chunk_ack(ReplyStatus::kOk)), ReplyStatus::kOk);
  EXPECT_EQ(decode_chunk_ack(encode_chunk_ack(ReplyStatus::kClosed)), ReplyStatus::kClosed);
  EXPECT_NO_THROW(decode_sample_ask(encode_sample_ask()));
}

TEST(ReplayProtocol, SampleAnswerCarriesTheWholeBatchOrOnlyClosed) {
  SampleBatch sent(3, 8);
  for (std::size_t i = 0; i < sent.size_bytes(); ++i) sent.data()[i] = static_cast<std::uint8_t>(i * 7 + 1);
  Bytes wire;
  const Bytes ok = bytes_of(encode_sample(ReplyStatus::kOk, sent, wire));
  EXPECT_EQ(ok.size(), 4 + sent.size_bytes());
  SampleBatch received(3, 8);
  ASSERT_EQ(decode_sample(ok, received), ReplyStatus::kOk);
  EXPECT_EQ(std::memcmp(received.data(), sent.data(), sent.size_bytes()), 0);

  const Bytes closed = bytes_of(encode_sample(ReplyStatus::kClosed, sent, wire));
  EXPECT_EQ(closed.size(), 4u);
  std::memset(received.data(), 0, received.size_bytes());
  EXPECT_EQ(decode_sample(closed, received), ReplyStatus::kClosed);
  EXPECT_EQ(received.data()[1], 0) << "a closed answer wrote into the batch";
}

TEST(ReplayProtocol, BadMessagesAreRefusedWithOneClearError) {
  const Bytes five(5, 0);
  expect_refused([&] { decode_chunk_ack(five); }, "chunk ack of 5 bytes, expected 4");
  expect_refused([] { decode_chunk_ack(Bytes{}); }, "chunk ack of 0 bytes, expected 4");
  expect_refused([] { decode_chunk_ack(Bytes{7, 0, 0, 0}); }, "chunk ack with unknown status 7");
  expect_refused([&] { decode_sample_ask(five); }, "sample ask of 5 bytes, expected 4");
  expect_refused([] { decode_sample_ask(Bytes{1, 0, 0, 0}); }, "sample ask with a value other than 0");

  SampleBatch batch(3, 8);
  Bytes wire;
  const Bytes ok = bytes_of(encode_sample(ReplyStatus::kOk, batch, wire));
  SampleBatch other_shape(2, 8);
  expect_refused([&] { decode_sample(ok, other_shape); }, "sample answer (ok) for this batch shape of");
  const Bytes cut(ok.begin(), ok.end() - 1);
  expect_refused([&] { decode_sample(cut, batch); }, "sample answer (ok) for this batch shape of");
  expect_refused([&] { decode_sample(Bytes{1, 0, 0, 0, 9}, batch); }, "sample answer (closed) of 5 bytes");
  expect_refused([&] { decode_sample(Bytes{2, 0}, batch); }, "sample answer of 2 bytes");
  expect_refused([&] { decode_sample(Bytes{2, 0, 0, 0}, batch); }, "sample answer with unknown status 2");
}

// Messages delivered by hand; what the server sends is kept in `sent`.
class QueueTransport final : public ReplayTransport {
 public:
  struct Sent {
    int client = 0;
    ReplayMessage kind = ReplayMessage::kChunkAck;
    Bytes bytes;
  };

  void deliver(int client, ReplayMessage kind, Bytes bytes) { inbox_[kind].push_back({client, std::move(bytes)}); }
  std::optional<Received> receive(ReplayMessage kind) override {
    std::deque<Stored>& queue = inbox_[kind];
    if (queue.empty()) return std::nullopt;
    taken_.push_back(std::move(queue.front()));  // a deque keeps the bytes where they are
    queue.pop_front();
    return Received{taken_.back().client, taken_.back().bytes};
  }
  void send(int client, ReplayMessage kind, std::span<const std::uint8_t> bytes) override {
    sent.push_back({client, kind, bytes_of(bytes)});
  }

  std::vector<Sent> sent;

 private:
  struct Stored {
    int client = 0;
    Bytes bytes;
  };
  std::map<ReplayMessage, std::deque<Stored>> inbox_;
  std::deque<Stored> taken_;
};

// Two actors (clients 2 and 3, writer groups 0 and 1) and a learner
// (client 9) on the small test ring: 8 env steps per chunk; samples from 32
// inserted steps on; an insert waits while it would leave the learners owed
// more than 192 replayed steps (4 per env step, 24 per sample;
// rate_limiter.hpp).
class ReplayServerTest : public ::testing::Test {
 protected:
  void deliver_chunk(int client, int chunk_index) {
    transport_.deliver(client, ReplayMessage::kChunk,
                       bytes_of(testing::filled_chunk(options_, client - 2, chunk_index).encode()));
  }
  void deliver_ask() { transport_.deliver(9, ReplayMessage::kSampleAsk, bytes_of(encode_sample_ask())); }
  void expect_ack(std::size_t index, int client, ReplyStatus status) {
    ASSERT_LT(index, transport_.sent.size());
    const QueueTransport::Sent& sent = transport_.sent[index];
    EXPECT_EQ(sent.client, client);
    EXPECT_EQ(sent.kind, ReplayMessage::kChunkAck);
    EXPECT_EQ(decode_chunk_ack(sent.bytes), status);
  }

  ReplayOptions options_ = testing::small_ring_options();
  ReplayService service_{options_};
  QueueTransport transport_;
  ReplayServer server_{service_, transport_};
};

TEST_F(ReplayServerTest, AnswersEachRequestWhenTheRateLimiterAdmitsIt) {
  deliver_ask();
  EXPECT_TRUE(server_.step());
  EXPECT_TRUE(transport_.sent.empty()) << "a sample before any insert";
  EXPECT_FALSE(server_.step());

  // Each chunk is acked as it comes; the ask is answered once 32 steps are in.
  for (int round = 0; round < 3; ++round) {
    deliver_chunk(2, round);
    deliver_chunk(3, round);
    ASSERT_TRUE(server_.step());
  }
  ASSERT_EQ(transport_.sent.size(), 7u);
  const std::pair<std::size_t, int> acks[] = {{0, 2}, {1, 3}, {2, 2}, {3, 3}, {5, 2}, {6, 3}};
  for (const auto& [index, client] : acks) expect_ack(index, client, ReplyStatus::kOk);
  EXPECT_EQ(transport_.sent[4].client, 9);
  ASSERT_EQ(transport_.sent[4].kind, ReplayMessage::kSample);
  SampleBatch batch(options_.batch_size, options_.seq_len);
  ASSERT_EQ(decode_sample(transport_.sent[4].bytes, batch), ReplyStatus::kOk);
  const SampleBatchView& rows = batch.view();
  for (int b = 0; b < rows.batch_size; ++b) {
    for (int t = 0; t < rows.seq_len; ++t) {
      const std::size_t row = static_cast<std::size_t>(b * rows.seq_len + t);
      EXPECT_EQ(rows.action[row], testing::make_fields(rows.stream[b], rows.stamp[row]).action);
      EXPECT_TRUE(testing::observation_matches(rows.stream[b], rows.stamp[row], rows.observations + row * 1440));
    }
  }

  // At 48 steps in and one sample, a chunk would leave 200 owed: both wait;
  // a second sample lets the first in (176 owed).
  deliver_chunk(2, 3);
  deliver_chunk(3, 3);
  EXPECT_TRUE(server_.step());
  EXPECT_EQ(transport_.sent.size(), 7u);
  deliver_ask();
  EXPECT_TRUE(server_.step());
  ASSERT_EQ(transport_.sent.size(), 8u);
  EXPECT_EQ(transport_.sent[7].kind, ReplayMessage::kSample);
  EXPECT_TRUE(server_.step());
  ASSERT_EQ(transport_.sent.size(), 9u);
  expect_ack(8, 2, ReplyStatus::kOk);
  EXPECT_FALSE(server_.step());

  // Closed: the waiting chunk, and every later request, are answered closed.
  service_.close();
  deliver_ask();
  EXPECT_TRUE(server_.step());
  ASSERT_EQ(transport_.sent.size(), 11u);
  expect_ack(9, 3, ReplyStatus::kClosed);
  EXPECT_EQ(transport_.sent[10].client, 9);
  EXPECT_EQ(decode_sample(transport_.sent[10].bytes, batch), ReplyStatus::kClosed);
  deliver_chunk(2, 4);
  EXPECT_TRUE(server_.step());
  expect_ack(11, 2, ReplyStatus::kClosed);
}

TEST_F(ReplayServerTest, RefusesAForeignChunkAChunkBeforeItsAckAndABadAsk) {
  transport_.deliver(2, ReplayMessage::kChunk, Bytes(100, 0x7b));
  expect_refused([&] { server_.step(); }, "not a trajectory chunk");

  // Both arrive in one step: the second before the first one's ack.
  deliver_chunk(3, 0);
  deliver_chunk(3, 1);
  expect_refused([&] { server_.step(); }, "client 3 sent a chunk before the ack of its last one");

  transport_.deliver(9, ReplayMessage::kSampleAsk, Bytes{0, 0, 0, 0, 0});
  expect_refused([&] { server_.step(); }, "sample ask of 5 bytes");
}

}  // namespace
}  // namespace dreamer::replay
