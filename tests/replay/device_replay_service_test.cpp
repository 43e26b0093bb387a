// DeviceReplayService on a real GPU: the chunk protocol (begin_insert ->
// frames into slots -> write_fields -> publish), the limiter, and a dump that
// a fresh service loads back. Every test skips, saying so, where the CUDA
// runtime sees no device.
#include "replay/cuda/device_replay_service.hpp"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <vector>

#include "common/cuda_check.hpp"
#include "device_test_support.hpp"
#include "replay_test_steps.hpp"

namespace dreamer::replay::cuda {
namespace {

// One chunk of test steps for `group`: frames through the slot pointers,
// fields through a host chunk. Returns the limiter's answer.
LimiterStatus insert_chunk(DeviceReplayService& service, int group) {
  const ReplayOptions& options = service.options();
  std::uint64_t first = 0;
  const LimiterStatus status = service.begin_insert(group, std::chrono::nanoseconds(0), first);
  if (status != LimiterStatus::kOk) return status;
  // A group's chunks start every commit_stride steps.
  const TrajectoryChunk chunk = testing::filled_chunk(options, group, static_cast<int>(first / options.commit_stride));
  const TrajectoryChunkView view = chunk.view();
  for (int t = 0; t < options.commit_stride; ++t) {
    for (int i = 0; i < options.streams_per_group(); ++i) {
      const int stream = view.header().first_stream + i;
      DREAMER_CHECK_CUDA(cudaMemcpy(service.ring().slot_pointer(stream, first + static_cast<std::uint64_t>(t)),
                                    view.observation(t, i), ReplayRing::kObservationBytes, cudaMemcpyHostToDevice));
    }
  }
  service.write_fields(group, first, view);
  service.publish(group);
  return LimiterStatus::kOk;
}

// Samples once and checks every frame and field against what was written.
void expect_sample_matches(DeviceReplayService& service, std::uint8_t* device_batch) {
  SampleBatch batch(6, 8, /*with_observations=*/false);
  ASSERT_EQ(service.sample(batch, device_batch, std::chrono::seconds(1)), LimiterStatus::kOk);
  std::vector<std::uint8_t> frames(6 * 8 * ReplayRing::kObservationBytes);
  DREAMER_CHECK_CUDA(cudaMemcpy(frames.data(), device_batch, frames.size(), cudaMemcpyDeviceToHost));
  for (int b = 0; b < 6; ++b) {
    for (int t = 0; t < 8; ++t) {
      const std::size_t row = static_cast<std::size_t>(b * 8 + t);
      const int stream = batch.view().stream[b];
      const std::uint64_t step = batch.view().start_step[b] + static_cast<std::uint64_t>(t);
      ASSERT_EQ(batch.view().stamp[row], step);
      ASSERT_TRUE(testing::observation_matches(stream, step, frames.data() + row * ReplayRing::kObservationBytes))
          << "stream " << stream << " step " << step;
      if (t > 0) {
        EXPECT_EQ(batch.view().reward[row], testing::make_fields(stream, step).reward);
      }
    }
  }
}

// Actors may run any distance ahead of the learners.
ReplayOptions unthrottled_options() {
  ReplayOptions options = testing::small_ring_options(/*batch_size=*/6);
  options.error_buffer = 1e9;
  return options;
}

TEST(DeviceReplayService, ChunksWrittenThroughSlotsAreSampledBackOnTheDevice_CUDA) {
  SKIP_WITHOUT_GPU();
  DeviceReplayService service(unthrottled_options(), nullptr);
  for (int i = 0; i < 12; ++i) {
    ASSERT_EQ(insert_chunk(service, 0), LimiterStatus::kOk);
    ASSERT_EQ(insert_chunk(service, 1), LimiterStatus::kOk);
  }
  EXPECT_EQ(service.metrics().inserts, 12 * 2 * 2 * 4);
  std::uint8_t* device_batch = nullptr;
  DREAMER_CHECK_CUDA(cudaMalloc(reinterpret_cast<void**>(&device_batch), 6 * 8 * ReplayRing::kObservationBytes));
  for (int round = 0; round < 10; ++round) expect_sample_matches(service, device_batch);
  cudaFree(device_batch);
}

TEST(DeviceReplayService, LimiterHoldsActorsBackWhenLearnersLag_CUDA) {
  SKIP_WITHOUT_GPU();
  DeviceReplayService service(testing::small_ring_options(/*batch_size=*/6), nullptr);
  // train_ratio 4, error_buffer 64: past the fill size the actors may run at
  // most 64 replayed steps ahead of the learners.
  int accepted = 0;
  while (insert_chunk(service, accepted % 2) == LimiterStatus::kOk) ASSERT_LT(++accepted, 1000);
  EXPECT_GT(accepted, 0);
  std::uint64_t first = 0;
  EXPECT_EQ(service.begin_insert(0, std::chrono::milliseconds(20), first), LimiterStatus::kTimedOut);
}

TEST(DeviceReplayService, DumpLoadsIntoAFreshServiceWithItsFramesOnTheDevice_CUDA) {
  SKIP_WITHOUT_GPU();
  const std::filesystem::path path = std::filesystem::path(::testing::TempDir()) / "device_replay_dump.h5";
  DeviceReplayService service(unthrottled_options(), nullptr);
  for (int i = 0; i < 11; ++i) {  // wraps the 40-step ring
    ASSERT_EQ(insert_chunk(service, 0), LimiterStatus::kOk);
    ASSERT_EQ(insert_chunk(service, 1), LimiterStatus::kOk);
  }
  service.dump(path);
  DeviceReplayService restored(unthrottled_options(), nullptr);
  restored.load(path);
  EXPECT_EQ(restored.metrics().inserts, service.metrics().inserts);
  std::uint8_t* device_batch = nullptr;
  DREAMER_CHECK_CUDA(cudaMalloc(reinterpret_cast<void**>(&device_batch), 6 * 8 * ReplayRing::kObservationBytes));
  for (int round = 0; round < 5; ++round) expect_sample_matches(restored, device_batch);
  cudaFree(device_batch);
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace dreamer::replay::cuda
