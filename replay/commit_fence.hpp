#pragma once
// CommitFence: the publication protocol between one writer group and any
// number of samplers, lock-free on both hot paths.
//
// Steps of a stream have logical numbers 0, 1, 2, ... that never wrap; step t
// lives in ring slot t % capacity (K). The writer fills chunks of
// commit_stride (S) steps for all streams of its group and publishes each
// chunk by storing the committed step count C (release). Samplers load C
// (acquire) and may read only the sampleable window
//
//     window(C) = [ max(0, C + S + M - K), C )          M = safety_margin
//
//   logical step: C-K          C+S-K      C+S+M-K             C         C+S
//                  | overwritten by |  margin  |   sampleable    |  open   |
//                  | the open chunk |    M     |     window      |  chunk  |
//                  +----------------+----------+-----------------+---------+
//   (the open chunk [C, C+S) lands in slots C % K .. (C+S-1) % K, which held
//   the steps [C-K, C+S-K))
//
// so (1) nothing at or above C is ever read (not yet committed), and (2) the
// steps [C-K, C+S-K) that the next chunk overwrites are outside the window,
// as are M more steps of slack. The writer can therefore fill the next chunk
// while samplers copy from the window, with no lock.
//
// A sampler that stalls while the writer commits further chunks could still
// end up under a later chunk. Pins close that gap exactly (a Dekker-style
// handshake on sequentially consistent atomics):
//   sampler: pin[r] = first; if first < writing_end - K: unpin, retry
//   writer:  writing_end = C + S; wait while any pin[r] < writing_end - K
// Either the writer sees the pin and waits until the copy is done, or the
// sampler sees the new writing_end and retries with a fresh window. The writer
// waits only if a sampler stalls for longer than M / S chunks.
//
// Thread-safety: thread-safe under these roles: exactly one writer thread per
// fence calls begin_chunk/publish_chunk; each reader slot index is used by one
// thread at a time; window(), committed_steps() and the counters may be called
// from any thread. restore() needs every writer and reader to be stopped.
#include <atomic>
#include <cstdint>
#include <limits>
#include <memory>

namespace dreamer::replay {

// Half-open range [begin, end) of logical steps.
struct StepWindow {
  std::uint64_t begin = 0;
  std::uint64_t end = 0;
  std::uint64_t size() const { return end - begin; }
  bool contains(std::uint64_t step) const { return step >= begin && step < end; }
};

class CommitFence {
 public:
  CommitFence(std::int64_t capacity, int commit_stride, int safety_margin, int max_readers);
  CommitFence(const CommitFence&) = delete;
  CommitFence& operator=(const CommitFence&) = delete;

  // The sampleable window for a committed count (the formula above).
  static StepWindow window_for(std::uint64_t committed_steps, std::int64_t capacity, int commit_stride,
                               int safety_margin);

  // --- writer (one thread) ---
  // Opens the next chunk and returns its first logical step C. Blocks
  // (yield, then short sleeps) only while a reader pins a step that the chunk
  // overwrites; never times out (a pinned reader always finishes its copy).
  std::uint64_t begin_chunk();
  // Publishes the open chunk: samplers see C + S committed steps from now on.
  void publish_chunk();
  // Whether `step` lies in the chunk opened by the last begin_chunk() and not
  // yet published (writer thread only).
  bool chunk_contains(std::uint64_t step) const;

  // --- readers (any thread) ---
  StepWindow window() const;
  // Pins steps >= first_step for reader slot `reader` so that no chunk may
  // overwrite them until unpin(). Returns false (and leaves nothing pinned)
  // when the writer has already begun overwriting them; take a fresh window.
  // (const: pins are reader-side state that a const ring hands out.)
  bool pin(int reader, std::uint64_t first_step) const;
  void unpin(int reader) const;

  // --- inspection ---
  std::uint64_t committed_steps() const { return committed_.load(std::memory_order_acquire); }
  // Number of begin_chunk() calls that had to wait for a pinned reader.
  std::uint64_t writer_stalls() const { return writer_stalls_.load(std::memory_order_relaxed); }
  std::int64_t capacity() const { return capacity_; }
  int commit_stride() const { return commit_stride_; }
  int safety_margin() const { return safety_margin_; }
  int max_readers() const { return max_readers_; }

  // Sets the committed count (resume from a dump). Needs `committed_steps` to
  // be a multiple of commit_stride and every writer and reader to be stopped.
  void restore(std::uint64_t committed_steps);

 private:
  static constexpr std::uint64_t kNoPin = std::numeric_limits<std::uint64_t>::max();
  struct alignas(64) PinSlot {
    std::atomic<std::uint64_t> first_step{kNoPin};
  };
  // A pin at `first_step` is in the way of a chunk that ends at `writing_end`.
  bool overlaps(std::uint64_t first_step, std::uint64_t writing_end) const {
    return first_step + static_cast<std::uint64_t>(capacity_) < writing_end;
  }

  const std::int64_t capacity_;
  const int commit_stride_;
  const int safety_margin_;
  const int max_readers_;
  alignas(64) std::atomic<std::uint64_t> committed_{0};
  // End (exclusive) of the chunk the writer may be writing; == committed_
  // while no chunk is open.
  alignas(64) std::atomic<std::uint64_t> writing_end_{0};
  std::atomic<std::uint64_t> writer_stalls_{0};
  std::unique_ptr<PinSlot[]> pins_;
};

}  // namespace dreamer::replay
