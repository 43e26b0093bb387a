#pragma once
// UpdateGraphs: runs the agent's update as a fixed sequence of named
// segments, eagerly while warming up and as CUDA graphs after that. This is
// PyTorch's whole-network capture recipe (warm up on a side stream, capture
// there, replay), cut where host work has to run between the pieces: the
// gradient hook (all-reduce), the quantile hook (MPI) and unfused Adam steps.
//
//   updates 1 .. kGraphWarmupUpdates   every segment runs eagerly
//   the next update                    each segment is captured into its own
//                                      graph and replayed at once (a capture
//                                      computes nothing), so the host work
//                                      after it sees real values
//   every later update                 each segment's graph is replayed
//
//   update():  [caller's stream] --event--> side stream:
//              segment A | host work | segment B | host work | ... | segment E
//              side stream --event--> [caller's stream]
//
// All of an update (warm-up, capture, replays and the host work between
// them) runs on one side stream of the device, which first waits for the
// caller's current stream; the caller's stream waits for it at the end. The
// graphs share one memory pool: safe, since they always replay in capture
// order.
//
// What a segment body must obey (DreamerAgent's update is written to it):
//  - the same operations on the same tensors every call: inputs outlive the
//    update (parameters, gradients, static copies of the batch, outputs of
//    earlier segments) and outputs are kept by the caller until the next
//    update, since a replay writes to the addresses captured;
//  - no host sync: no .item(), no copy to the host, no copy of host data to
//    the device, no host logic on tensor values;
//  - random numbers only from the default CUDA generator, which every
//    capture registers, so that each replay draws fresh numbers.
// A body that breaks these rules during capture makes run() throw
// dreamer::Error naming the segment. reset() drops the graphs (the agent
// calls it when optimizer state was replaced, e.g. by a checkpoint restore);
// the following updates warm up and capture again.
//
// Only in builds with DREAMER_ENABLE_CUDA (elsewhere the constructor throws).
// Not thread-safe: one thread drives an agent.
#include <functional>
#include <memory>
#include <string>

#include <c10/core/Device.h>

namespace dreamer::learner {

inline constexpr int kGraphWarmupUpdates = 3;

class UpdateGraphs {
 public:
  explicit UpdateGraphs(c10::Device device);
  ~UpdateGraphs();
  UpdateGraphs(const UpdateGraphs&) = delete;
  UpdateGraphs& operator=(const UpdateGraphs&) = delete;

  // One update: `body` calls run() for each segment and does the host work
  // between them, all on the side stream.
  void update(const std::function<void()>& body);
  // Inside update(): the segment `name`, eagerly, captured or replayed.
  void run(const std::string& name, const std::function<void()>& body);
  void reset();
  // True once the graphs are captured: updates only replay them.
  bool captured() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace dreamer::learner
