#include "replay/sample_batch.hpp"

#include "common/error.hpp"
#include "common/packed2.hpp"

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
  const std::size_t observations_at = reserve(with_observations ? rows * packed2::kBytesPerFrame : 0);
  const std::size_t action_at = reserve(rows);
  const std::size_t reward_at = reserve(rows * sizeof(float));
  const std::size_t is_first_at = reserve(rows);
  const std::size_t is_terminal_at = reserve(rows);
  const std::size_t is_truncated_at = reserve(rows);
  const std::size_t continues_at = reserve(rows * sizeof(float));
  const std::size_t episode_id_at = reserve(rows * sizeof(std::int64_t));
  const std::size_t stamp_at = reserve(rows * sizeof(std::uint64_t));
  const std::size_t stream_at = reserve(sequences * sizeof(std::int32_t));
  const std::size_t start_step_at = reserve(sequences * sizeof(std::uint64_t));
  block_ = HostBlock(offset);
  std::uint8_t* base = block_.data();
  view_.batch_size = batch_size;
  view_.seq_len = seq_len;
  if (with_observations) view_.observations = base + observations_at;
  view_.action = base + action_at;
  view_.reward = reinterpret_cast<float*>(base + reward_at);
  view_.is_first = base + is_first_at;
  view_.is_terminal = base + is_terminal_at;
  view_.is_truncated = base + is_truncated_at;
  view_.continues = reinterpret_cast<float*>(base + continues_at);
  view_.episode_id = reinterpret_cast<std::int64_t*>(base + episode_id_at);
  view_.stamp = reinterpret_cast<std::uint64_t*>(base + stamp_at);
  view_.stream = reinterpret_cast<std::int32_t*>(base + stream_at);
  view_.start_step = reinterpret_cast<std::uint64_t*>(base + start_step_at);
}

}  // namespace dreamer::replay
