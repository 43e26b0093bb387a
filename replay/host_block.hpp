#pragma once
// HostBlock: one page-aligned, zero-filled host allocation made once and never
// moved or resized. The ring and the sample batches carve their columns out of
// one block each, so that (a) their addresses stay fixed for the whole run (the
// gates check this), and (b) the whole block can be registered as pinned
// memory (cudaHostRegister) by a learner that copies batches to a GPU.
//
// Not copyable; movable (the address of the block itself does not change when
// the owner moves). Not thread-safe to construct or destroy concurrently with
// readers; the bytes themselves follow the owner's rules.
#include <cstddef>
#include <cstdint>
#include <memory>

namespace dreamer::replay {

class HostBlock {
 public:
  static constexpr std::size_t kAlignment = 4096;

  HostBlock() = default;
  // Allocates and zero-fills `bytes` bytes (rounded up to kAlignment); the
  // zero fill also touches every page, so the first write during a run does
  // not take a page fault. Throws std::bad_alloc when memory is short.
  explicit HostBlock(std::size_t bytes);

  std::uint8_t* data() { return data_.get(); }
  const std::uint8_t* data() const { return data_.get(); }
  std::size_t size_bytes() const { return size_bytes_; }

  // Rounds `offset` up to the next multiple of `alignment` (a power of two).
  static constexpr std::size_t align_up(std::size_t offset, std::size_t alignment) {
    return (offset + alignment - 1) & ~(alignment - 1);
  }

 private:
  struct Free {
    void operator()(std::uint8_t* pointer) const;
  };
  std::unique_ptr<std::uint8_t[], Free> data_;
  std::size_t size_bytes_ = 0;
};

}  // namespace dreamer::replay
