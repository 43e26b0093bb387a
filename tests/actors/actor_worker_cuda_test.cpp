// The CUDA actor against the CPU actor: with a constant action (no Player)
// the consoles are bit-identical across backends (env_cuda_equivalence_test),
// so every chunk the CUDA actor produces must equal the CPU actor's, byte for
// byte: through the host chunk (MPI actors) and through the device replay
// ring's slots and fields (one-GPU runs). Skips, saying so, without a GPU.
#include <cuda_runtime_api.h>
#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <vector>

#include "actors/actor_worker.hpp"
#include "actors/env/stage_builder.hpp"
#include "actors/env/task.hpp"
#include "common/cuda_check.hpp"
#include "replay/cuda/device_replay_service.hpp"
#include "tests/replay/device_test_support.hpp"

namespace dreamer::actors {
namespace {

constexpr int kEnvs = 16;
constexpr int kStride = 4;

env::Task exit_room_task() {
  const auto stage = std::filesystem::temp_directory_path() / "dreamer_actor_worker_cuda_exit_room";
  env::build_exit_room_stage(std::filesystem::path(DREAMER_ROMS_DIR) / "exit_room.gb", stage, StepSchedule{});
  env::TaskSpec spec;
  spec.rom = std::filesystem::path(DREAMER_ROMS_DIR) / "exit_room.gb";
  spec.start_state = stage / "start.state";
  spec.goal_dir = stage;
  spec.max_steps = 6;  // episodes end inside the run: resets and episode ids are compared too
  return env::Task::load(spec);
}

ActorWorkerOptions options(env::Backend backend) {
  ActorWorkerOptions options;
  options.num_envs = kEnvs;
  options.commit_stride = kStride;
  options.backend = backend;
  options.constant_action = 3;
  return options;
}

// The chunk's bytes after its header (frames and every field).
std::vector<std::uint8_t> body(const TrajectoryChunk& chunk) {
  const std::span<const std::uint8_t> bytes = chunk.encode();
  return {bytes.begin() + kChunkHeaderBytes, bytes.end()};
}

TEST(ActorWorkerCuda, HostChunksEqualTheCpuActorsByteForByte_CUDA) {
  SKIP_WITHOUT_GPU();
  const env::Task task = exit_room_task();
  const learner::ModelOptions model;
  ActorWorker cpu(task, model, options(env::Backend::kCpu));
  ActorWorker gpu(task, model, options(env::Backend::kCuda));
  for (int chunk = 0; chunk < 5; ++chunk) {
    const std::vector<std::uint8_t> expected = body(cpu.collect_chunk());
    ASSERT_EQ(body(gpu.collect_chunk()), expected) << "chunk " << chunk;
  }
  EXPECT_EQ(gpu.env_steps(), cpu.env_steps());
  EXPECT_EQ(gpu.take_report()["episodes"], cpu.take_report()["episodes"]);
}

TEST(ActorWorkerCuda, ChunksThroughTheDeviceRingEqualTheCpuActors_CUDA) {
  SKIP_WITHOUT_GPU();
  const env::Task task = exit_room_task();
  const learner::ModelOptions model;
  replay::ReplayOptions replay_options;
  replay_options.num_streams = kEnvs;
  replay_options.writer_groups = 1;
  replay_options.capacity = 18;  // not a multiple of the stride: the fifth chunk wraps the ring
  replay_options.commit_stride = kStride;
  replay_options.safety_margin = kStride;
  replay_options.seq_len = 8;
  replay_options.batch_size = 2;
  replay_options.min_size_to_sample = 8 * kEnvs;
  replay_options.error_buffer = 1e9;  // no learner here: never hold the actor back
  replay_options.validate();
  replay::cuda::DeviceReplayService service(replay_options, nullptr);
  ActorWorker cpu(task, model, options(env::Backend::kCpu));
  ActorWorker gpu(task, model, options(env::Backend::kCuda));
  const replay::RingColumns columns = service.ring().host_ring().columns();
  std::vector<std::uint8_t> frame(packed2::kBytesPerFrame);
  for (int chunk = 0; chunk < 5; ++chunk) {
    const TrajectoryChunk& expected = cpu.collect_chunk();
    // What launch/'s in-process device replay does per chunk.
    std::uint64_t first_step = 0;
    ASSERT_EQ(service.begin_insert(0, std::chrono::seconds(1), first_step), replay::LimiterStatus::kOk);
    service.write_fields(0, first_step, gpu.collect_chunk(service.frame_slots(0, first_step)).view());
    service.publish(0);
    for (int t = 0; t < kStride; ++t) {
      const std::uint64_t step = static_cast<std::uint64_t>(chunk * kStride + t);
      for (int e = 0; e < kEnvs; ++e) {
        const std::size_t row = service.ring().host_ring().row_of(e, step);
        DREAMER_CHECK_CUDA(
            cudaMemcpy(frame.data(), service.ring().slot_pointer(e, step), frame.size(), cudaMemcpyDeviceToHost));
        ASSERT_EQ(std::memcmp(frame.data(), expected.view().observation(t, e), frame.size()), 0)
            << "chunk " << chunk << " tick " << t << " env " << e;
        EXPECT_EQ(columns.reward[row], expected.view().reward(t)[e]);
        EXPECT_EQ(columns.action[row], expected.view().action(t)[e]);
        EXPECT_EQ(columns.is_first[row], expected.view().is_first(t)[e]);
        EXPECT_EQ(columns.is_terminal[row], expected.view().is_terminal(t)[e]);
        EXPECT_EQ(columns.is_truncated[row], expected.view().is_truncated(t)[e]);
        EXPECT_EQ(columns.episode_id[row], expected.view().episode_id(t)[e]);
      }
    }
  }
  EXPECT_EQ(service.metrics().inserts, 5 * kStride * kEnvs);
}

}  // namespace
}  // namespace dreamer::actors
