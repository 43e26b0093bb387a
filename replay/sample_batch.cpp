#include "replay/sample_batch.hpp"

#include "common/error.hpp"
#include "common/packed2.hpp"
#include "replay/step_columns.hpp"

namespace dreamer::replay {
namespace {

constexpr std::size_t kFieldAlignment = 256;

}  // namespace

SampleBatch::SampleBatch(int batch_size, int seq_len, bool with_observations) {
  DREAMER_ASSERT(batch_size >= 1 && seq_len >= 1, "a sample batch needs batch_size, seq_len >= 1");
  const std::size_t rows = static_cast<std::size_t>(batch_size) * static_cast<std::size_t>(seq_len);
  const std::size_t sequences = static_cast<std::size_t>(batch_size);
  std::size_t offset = 0;
  auto reserve = [&](std::size_t bytes) {
    const std::size_t at = offset;
    offset = HostBlock::align_up(offset + bytes, kFieldAlignment);
    return at;
  };
  const StepColumns at = StepColumns::reserve(rows, with_observations ? packed2::kBytesPerFrame : 0, reserve);
  const std::size_t stream_at = reserve(sequences * sizeof(std::int32_t));
  const std::size_t start_step_at = reserve(sequences * sizeof(std::uint64_t));
  block_ = HostBlock(offset);
  std::uint8_t* base = block_.data();
  view_.batch_size = batch_size;
  view_.seq_len = seq_len;
  at.place(base, with_observations, view_);
  view_.stream = reinterpret_cast<std::int32_t*>(base + stream_at);
  view_.start_step = reinterpret_cast<std::uint64_t*>(base + start_step_at);
}

}  // namespace dreamer::replay
