#pragma once
// ReplayServer: the replay role's request-serving step (replay_protocol.hpp)
// over a ReplayService, for a role that serves its clients through a
// ReplayTransport (the replay rank of an MPI run). The caller's loop runs
// step() and decides when the run stops: it closes the service, after which
// every waiting and later request is answered closed.
//
// Thread-safety: none; one thread steps a server.
#include <deque>
#include <utility>
#include <vector>

#include "replay/replay_protocol.hpp"
#include "replay/replay_service.hpp"

namespace dreamer::replay {

class ReplayServer {
 public:
  ReplayServer(ReplayService& service, ReplayTransport& transport);

  // Takes every waiting request, then answers them in arrival order, chunks
  // and asks each as far as the rate limiter admits them without waiting.
  // Returns whether a request arrived or was answered. Throws dreamer::Error
  // on a bad message, or a chunk sent before its client's last ack.
  bool step();

 private:
  ReplayService& service_;
  ReplayTransport& transport_;
  SampleBatch batch_;
  std::vector<std::uint8_t> answer_;
  std::deque<std::pair<int, TrajectoryChunkView>> chunks_;  // client, chunk read in the transport's bytes
  std::deque<int> asks_;                                    // client
};

}  // namespace dreamer::replay
