#include "replay/commit_fence.hpp"

#include <chrono>
#include <string>
#include <thread>

#include "common/error.hpp"

namespace dreamer::replay {

CommitFence::CommitFence(std::int64_t capacity, int commit_stride, int safety_margin, int max_readers)
    : capacity_(capacity),
      commit_stride_(commit_stride),
      safety_margin_(safety_margin),
      max_readers_(max_readers),
      pins_(std::make_unique<PinSlot[]>(static_cast<std::size_t>(max_readers))) {
  DREAMER_ASSERT(commit_stride >= 1 && safety_margin >= 0 && max_readers >= 1,
                 "commit fence needs commit_stride >= 1, safety_margin >= 0, max_readers >= 1");
  DREAMER_ASSERT(capacity > static_cast<std::int64_t>(commit_stride) + safety_margin,
                 "commit fence needs capacity > commit_stride + safety_margin");
}

StepWindow CommitFence::window_for(std::uint64_t committed_steps, std::int64_t capacity, int commit_stride,
                                   int safety_margin) {
  const std::uint64_t reserved = static_cast<std::uint64_t>(commit_stride) + static_cast<std::uint64_t>(safety_margin);
  const std::uint64_t keep = static_cast<std::uint64_t>(capacity) - reserved;
  StepWindow window;
  window.end = committed_steps;
  window.begin = committed_steps > keep ? committed_steps - keep : 0;
  return window;
}

std::uint64_t CommitFence::begin_chunk() {
  const std::uint64_t first = committed_.load(std::memory_order_relaxed);
  DREAMER_ASSERT(writing_end_.load(std::memory_order_relaxed) == first, "begin_chunk called while a chunk is open");
  const std::uint64_t writing_end = first + static_cast<std::uint64_t>(commit_stride_);
  writing_end_.store(writing_end, std::memory_order_seq_cst);
  bool stalled = false;
  for (int reader = 0; reader < max_readers_; ++reader) {
    int spins = 0;
    for (;;) {
      const std::uint64_t pinned = pins_[reader].first_step.load(std::memory_order_seq_cst);
      if (pinned == kNoPin || !overlaps(pinned, writing_end)) break;
      stalled = true;
      if (++spins < 64) {
        std::this_thread::yield();
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(20));
      }
    }
  }
  if (stalled) writer_stalls_.fetch_add(1, std::memory_order_relaxed);
  return first;
}

void CommitFence::publish_chunk() {
  const std::uint64_t writing_end = writing_end_.load(std::memory_order_relaxed);
  DREAMER_ASSERT(writing_end != committed_.load(std::memory_order_relaxed),
                 "publish_chunk called without an open chunk");
  committed_.store(writing_end, std::memory_order_release);
}

bool CommitFence::chunk_contains(std::uint64_t step) const {
  return step >= committed_.load(std::memory_order_relaxed) && step < writing_end_.load(std::memory_order_relaxed);
}

StepWindow CommitFence::window() const {
  return window_for(committed_steps(), capacity_, commit_stride_, safety_margin_);
}

bool CommitFence::pin(int reader, std::uint64_t first_step) const {
  DREAMER_ASSERT(reader >= 0 && reader < max_readers_, "reader slot out of range");
  pins_[reader].first_step.store(first_step, std::memory_order_seq_cst);
  if (overlaps(first_step, writing_end_.load(std::memory_order_seq_cst))) {
    pins_[reader].first_step.store(kNoPin, std::memory_order_release);
    return false;
  }
  return true;
}

void CommitFence::unpin(int reader) const {
  DREAMER_ASSERT(reader >= 0 && reader < max_readers_, "reader slot out of range");
  pins_[reader].first_step.store(kNoPin, std::memory_order_seq_cst);
}

void CommitFence::restore(std::uint64_t committed_steps) {
  DREAMER_ASSERT(committed_steps % static_cast<std::uint64_t>(commit_stride_) == 0,
                 "restored commit count " + std::to_string(committed_steps) + " is not a multiple of commit_stride");
  DREAMER_ASSERT(writing_end_.load() == committed_.load(), "restore called while a chunk is open");
  committed_.store(committed_steps);
  writing_end_.store(committed_steps);
}

}  // namespace dreamer::replay
