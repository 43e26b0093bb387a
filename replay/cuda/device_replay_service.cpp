#include "replay/cuda/device_replay_service.hpp"

#include <vector>

#include "common/cuda_check.hpp"
#include "common/error.hpp"
#include "common/packed2.hpp"
#include "replay/replay_dump.hpp"
#include "replay/replay_service.hpp"

namespace dreamer::replay::cuda {
namespace {

std::int64_t chunk_env_steps(const ReplayOptions& options) {
  return static_cast<std::int64_t>(options.commit_stride) * options.streams_per_group();
}

}  // namespace

DeviceReplayService::DeviceReplayService(const ReplayOptions& options, cudaStream_t stream)
    : options_(options), ring_(options), limiter_(options), sampler_(ring_, options.seed, options.batch_size, stream) {}

LimiterStatus DeviceReplayService::begin_insert(int group, std::chrono::nanoseconds timeout,
                                                std::uint64_t& first_step) {
  DREAMER_ASSERT(group >= 0 && group < options_.writer_groups, "writer group out of range");
  const LimiterStatus status = limiter_.acquire_insert(chunk_env_steps(options_), timeout);
  if (status == LimiterStatus::kOk) first_step = ring_.host_ring().begin_chunk(group);
  return status;
}

ChunkFrameSlots DeviceReplayService::frame_slots(int group, std::uint64_t first_step) const {
  // Stream s's slots lie capacity frames after stream s-1's.
  ChunkFrameSlots slots{{}, static_cast<std::size_t>(ring_.host_ring().capacity()) * packed2::kBytesPerFrame};
  const int first_stream = group * options_.streams_per_group();
  for (int t = 0; t < options_.commit_stride; ++t)
    slots.tick_base.push_back(ring_.slot_pointer(first_stream, first_step + static_cast<std::uint64_t>(t)));
  return slots;
}

void DeviceReplayService::write_fields(int group, std::uint64_t first_step, const TrajectoryChunkView& chunk) {
  require_chunk_layout(chunk.header(), options_);
  DREAMER_ASSERT(chunk.header().actor == group, "chunk header names another writer group");
  write_chunk_steps(ring_.host_ring(), first_step, chunk, false);
}

void DeviceReplayService::publish(int group) {
  ring_.host_ring().publish_chunk(group);
  limiter_.complete_insert(chunk_env_steps(options_));
}

LimiterStatus DeviceReplayService::sample(SampleBatch& batch, std::uint8_t* device_observations,
                                          std::chrono::nanoseconds timeout) {
  const LimiterStatus status = limiter_.acquire_sample(timeout);
  if (status != LimiterStatus::kOk) return status;
  std::lock_guard<std::mutex> lock(sampler_mutex_);
  if (sampler_.sample(batch.view(), device_observations) != SampleStatus::kOk)
    throw Error("the rate limiter allowed a sample but no stream holds seq_len committed steps yet");
  return LimiterStatus::kOk;
}

void DeviceReplayService::dump(const std::filesystem::path& path) const {
  std::vector<std::uint8_t> observations(ring_.device_bytes());
  DREAMER_CHECK_CUDA(
      cudaMemcpy(observations.data(), ring_.device_observations(), observations.size(), cudaMemcpyDeviceToHost));
  save_replay_dump(path, ring_.host_ring(), limiter_, {&sampler_.host_sampler()}, observations.data());
}

void DeviceReplayService::load(const std::filesystem::path& path) {
  std::vector<std::uint8_t> observations(ring_.device_bytes());
  load_replay_dump(path, ring_.host_ring(), limiter_, {&sampler_.host_sampler()}, observations.data());
  DREAMER_CHECK_CUDA(
      cudaMemcpy(ring_.slot_pointer(0, 0), observations.data(), observations.size(), cudaMemcpyHostToDevice));
}

}  // namespace dreamer::replay::cuda
