#include "learner/update_graphs.hpp"

#include "common/error.hpp"

#if defined(DREAMER_HAS_CUDA)
#include <ATen/cuda/CUDAGraph.h>
#include <c10/core/Allocator.h>
#include <c10/cuda/CUDAEvent.h>
#include <c10/cuda/CUDAFunctions.h>
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>

#include <exception>
#include <utility>
#include <vector>
#endif

namespace dreamer::learner {

#if defined(DREAMER_HAS_CUDA)

namespace {

enum class Phase { kEager, kCapture, kReplay };

c10::DeviceIndex device_index(c10::Device device) {
  DREAMER_ASSERT(device.is_cuda(), "UpdateGraphs needs a CUDA device, got " + device.str());
  return device.has_index() ? device.index() : c10::cuda::current_device();
}

struct NamedGraph {
  std::string name;
  std::unique_ptr<at::cuda::CUDAGraph> graph;
};

// Ends a capture that failed part-way so that the stream can be used again,
// and clears the (non-sticky) error it left, which later kernel launch
// checks would report; the capture's own error is the one worth reporting.
void abandon_capture(at::cuda::CUDAGraph& graph) {
  try {
    graph.capture_end();
  } catch (const std::exception&) {
  }
  (void)cudaGetLastError();
}

}  // namespace

struct UpdateGraphs::Impl {
  explicit Impl(c10::DeviceIndex index) : stream(c10::cuda::getStreamFromPool(false, index)) {}

  c10::cuda::CUDAStream stream;
  c10::cuda::CUDAEvent caller_ready;
  c10::cuda::CUDAEvent side_done;
  int eager_updates = 0;
  bool in_update = false;
  Phase phase = Phase::kEager;
  size_t next_graph = 0;
  c10::MempoolId_t pool{0, 0};
  std::vector<NamedGraph> graphs;
};

UpdateGraphs::UpdateGraphs(c10::Device device) : impl_(std::make_unique<Impl>(device_index(device))) {}

// The last update's replays may still run on the side stream: wait for them
// before their graphs go.
UpdateGraphs::~UpdateGraphs() {
  try {
    impl_->stream.synchronize();
  } catch (const std::exception&) {
    // A failed device cannot be waited for; the graphs are destroyed anyway.
  }
}

bool UpdateGraphs::captured() const { return !impl_->graphs.empty() && impl_->phase == Phase::kReplay; }

void UpdateGraphs::reset() {
  DREAMER_ASSERT(!impl_->in_update, "UpdateGraphs::reset() inside an update");
  impl_->stream.synchronize();
  impl_->graphs.clear();
  impl_->pool = {0, 0};
  impl_->eager_updates = 0;
  impl_->phase = Phase::kEager;
}

void UpdateGraphs::update(const std::function<void()>& body) {
  Impl& impl = *impl_;
  DREAMER_ASSERT(!impl.in_update, "UpdateGraphs::update() is not reentrant");
  const c10::cuda::CUDAStream caller = c10::cuda::getCurrentCUDAStream(impl.stream.device_index());
  impl.caller_ready.record(caller);
  impl.caller_ready.block(impl.stream);
  if (impl.phase == Phase::kEager && impl.eager_updates >= kGraphWarmupUpdates) {
    impl.phase = Phase::kCapture;
    impl.pool = at::cuda::graph_pool_handle();
  }
  impl.next_graph = 0;
  impl.in_update = true;
  try {
    c10::cuda::CUDAStreamGuard guard(impl.stream);
    body();
  } catch (...) {
    // Drop half-captured graphs; the first error is the one to report.
    impl.in_update = false;
    try {
      if (impl.phase != Phase::kEager) reset();
      impl.side_done.record(impl.stream);
      impl.side_done.block(caller);
    } catch (const std::exception&) {
    }
    throw;
  }
  impl.in_update = false;
  switch (impl.phase) {
    case Phase::kEager:
      ++impl.eager_updates;
      break;
    case Phase::kCapture:
      impl.phase = Phase::kReplay;
      break;
    case Phase::kReplay:
      DREAMER_ASSERT(impl.next_graph == impl.graphs.size(), "an update replayed fewer segments than were captured");
      break;
  }
  impl.side_done.record(impl.stream);
  impl.side_done.block(caller);
}

void UpdateGraphs::run(const std::string& name, const std::function<void()>& body) {
  Impl& impl = *impl_;
  DREAMER_ASSERT(impl.in_update, "UpdateGraphs::run() outside update()");
  switch (impl.phase) {
    case Phase::kEager:
      body();
      return;
    case Phase::kCapture: {
      auto graph = std::make_unique<at::cuda::CUDAGraph>();
      try {
        graph->capture_begin(impl.pool, cudaStreamCaptureModeThreadLocal);
      } catch (const std::exception& error) {
        throw Error("CUDA graph capture of update segment '" + name + "' could not begin: " + error.what());
      }
      try {
        body();
        graph->capture_end();
      } catch (const std::exception& error) {
        abandon_capture(*graph);
        throw Error("CUDA graph capture of update segment '" + name +
                    "' failed (a host sync, host-to-device copy or unsupported op inside it?): " + error.what());
      }
      graph->replay();
      impl.graphs.push_back({name, std::move(graph)});
      return;
    }
    case Phase::kReplay: {
      DREAMER_ASSERT(impl.next_graph < impl.graphs.size() && impl.graphs[impl.next_graph].name == name,
                     "update segment '" + name + "' was not captured at this position");
      impl.graphs[impl.next_graph++].graph->replay();
      return;
    }
  }
}

#else

struct UpdateGraphs::Impl {};

UpdateGraphs::UpdateGraphs(c10::Device) {
  throw Error("cuda_graphs needs a build with CUDA: rebuild with -DDREAMER_ENABLE_CUDA=ON");
}

UpdateGraphs::~UpdateGraphs() = default;

bool UpdateGraphs::captured() const { return false; }

void UpdateGraphs::reset() {}

void UpdateGraphs::update(const std::function<void()>& body) { body(); }

void UpdateGraphs::run(const std::string&, const std::function<void()>& body) { body(); }

#endif

}  // namespace dreamer::learner
