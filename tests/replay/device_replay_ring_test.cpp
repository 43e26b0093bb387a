// DeviceReplayRing on a real GPU; every test skips, saying so, where the CUDA
// runtime sees no device.
#include "replay/cuda/device_replay_ring.hpp"

#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <vector>

#include "common/cuda_check.hpp"
#include "device_test_support.hpp"
#include "replay_test_steps.hpp"

namespace dreamer::replay::cuda {
namespace {

// Writes `chunks` chunks of test steps of `group`, frames through the device
// slot pointers.
void write_device_chunks(DeviceReplayRing& ring, int group, int chunks) {
  ReplayRing& host = ring.host_ring();
  const int streams = host.options().streams_per_group();
  std::vector<std::uint8_t> frame(ReplayRing::kObservationBytes);
  for (int chunk = 0; chunk < chunks; ++chunk) {
    const std::uint64_t first = host.begin_chunk(group);
    for (int i = 0; i < host.options().commit_stride; ++i) {
      const std::uint64_t step = first + static_cast<std::uint64_t>(i);
      for (int s = group * streams; s < (group + 1) * streams; ++s) {
        testing::fill_observation(s, step, frame.data());
        DREAMER_CHECK_CUDA(cudaMemcpy(ring.slot_pointer(s, step), frame.data(), frame.size(), cudaMemcpyHostToDevice));
        host.write_step(s, step, testing::make_fields(s, step), nullptr);
      }
    }
    host.publish_chunk(group);
  }
}

TEST(DeviceReplayRing, SlotPointersAreFixedStridedAddressesInOneBlock_CUDA) {
  SKIP_WITHOUT_GPU();
  DeviceReplayRing ring(testing::small_ring_options(/*batch_size=*/6));
  const std::uint64_t fingerprint = ring.storage_fingerprint();
  EXPECT_EQ(ring.slot_pointer(0, 0), ring.device_observations());
  EXPECT_EQ(ring.slot_pointer(1, 3) - ring.device_observations(), (40 + 3) * 1440);
  EXPECT_EQ(ring.slot_pointer(1, 43), ring.slot_pointer(1, 3));
  EXPECT_EQ(ring.device_bytes(), 4u * 40u * 1440u);
  write_device_chunks(ring, 0, 30);
  EXPECT_EQ(ring.storage_fingerprint(), fingerprint);
}

TEST(DeviceReplayRing, GatheredSequencesMatchTheWrittenFrames_CUDA) {
  SKIP_WITHOUT_GPU();
  DeviceReplayRing ring(testing::small_ring_options(/*batch_size=*/6));
  write_device_chunks(ring, 0, 23);  // wraps
  write_device_chunks(ring, 1, 3);
  cudaStream_t stream = nullptr;
  DREAMER_CHECK_CUDA(cudaStreamCreate(&stream));
  {
    DeviceSequenceSampler sampler(ring, 5, 6, stream);
    SampleBatch fields(6, 8, /*with_observations=*/false);
    std::uint8_t* device_batch = nullptr;
    const std::size_t batch_bytes = 6 * 8 * ReplayRing::kObservationBytes;
    DREAMER_CHECK_CUDA(cudaMalloc(reinterpret_cast<void**>(&device_batch), batch_bytes));
    std::vector<std::uint8_t> host_batch(batch_bytes);
    for (int round = 0; round < 50; ++round) {
      ASSERT_EQ(sampler.sample(fields.view(), device_batch), SampleStatus::kOk);
      DREAMER_CHECK_CUDA(cudaMemcpy(host_batch.data(), device_batch, batch_bytes, cudaMemcpyDeviceToHost));
      for (int b = 0; b < 6; ++b) {
        const int stream_index = fields.view().stream[b];
        for (int t = 0; t < 8; ++t) {
          const std::size_t row = static_cast<std::size_t>(b * 8 + t);
          const std::uint64_t step = fields.view().start_step[b] + static_cast<std::uint64_t>(t);
          ASSERT_EQ(fields.view().stamp[row], step);
          ASSERT_TRUE(
              testing::observation_matches(stream_index, step, host_batch.data() + row * ReplayRing::kObservationBytes))
              << "stream " << stream_index << " step " << step;
        }
        EXPECT_EQ(fields.view().is_first[b * 8], 1);
      }
    }
    cudaFree(device_batch);
  }
  cudaStreamDestroy(stream);
}

}  // namespace
}  // namespace dreamer::replay::cuda
