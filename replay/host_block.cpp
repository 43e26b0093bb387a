#include "replay/host_block.hpp"

#include <cstdlib>
#include <cstring>
#include <new>

namespace dreamer::replay {

HostBlock::HostBlock(std::size_t bytes) : size_bytes_(align_up(bytes == 0 ? 1 : bytes, kAlignment)) {
  void* memory = std::aligned_alloc(kAlignment, size_bytes_);
  if (memory == nullptr) throw std::bad_alloc();
  std::memset(memory, 0, size_bytes_);
  data_.reset(static_cast<std::uint8_t*>(memory));
}

void HostBlock::Free::operator()(std::uint8_t* pointer) const { std::free(pointer); }

}  // namespace dreamer::replay
