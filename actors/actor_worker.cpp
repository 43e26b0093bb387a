#include "actors/actor_worker.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <optional>

#include "common/error.hpp"
#include "common/gpu_audit/declared_copy.hpp"
#include "common/packed2.hpp"
#include "learner/player.hpp"
#if defined(DREAMER_HAS_CUDA)
#include <c10/cuda/CUDAGuard.h>
#include <c10/cuda/CUDAStream.h>
#endif

namespace dreamer::actors {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

ChunkHeader chunk_header(const ActorWorkerOptions& options) {
  DREAMER_ASSERT(options.commit_stride >= 1, "ActorWorkerOptions::commit_stride is required (the run's replay value)");
  ChunkHeader header;
  header.actor = options.actor_index;
  header.first_stream = options.actor_index * options.num_envs;
  header.num_streams = options.num_envs;
  header.steps = options.commit_stride;
  return header;
}

}  // namespace

// The CUDA backend's stream and device buffers: one chunk of fields, packed
// in one block so that one copy brings them to the host, plus the frames
// when they go to the host chunk. The Player's work runs on `stream`, apart
// from a learner training on the same GPU (its own thread and streams), and
// is allocated there: a tensor freed on one stream while another still
// reads it would be a race.
struct ActorWorker::DeviceStaging {
  DeviceStaging(int ticks, int envs, int device)
#if defined(DREAMER_HAS_CUDA)
      : stream(c10::cuda::getStreamFromPool(false, static_cast<c10::DeviceIndex>(device)))
#endif
  {
    const StreamScope scope(*this);
    const auto on_device = torch::TensorOptions().dtype(torch::kUInt8).device(torch::kCUDA, device);
    const std::int64_t rows = static_cast<std::int64_t>(ticks) * envs;
    fields = torch::empty({rows * kFieldBytes}, on_device);
    host_fields = torch::empty({rows * kFieldBytes}, torch::TensorOptions().dtype(torch::kUInt8).pinned_memory(true));
    frames = torch::empty({ticks, envs, static_cast<std::int64_t>(packed2::kBytesPerFrame)}, on_device);
    actions = torch::zeros({envs}, on_device);
  }
  // Field columns [ticks, envs] of `block` (fields or host_fields), widest first
  // so that every column is aligned.
  static constexpr std::int64_t kFieldBytes = 8 + 4 + 4 + 1 + 1 + 1 + 1;
  static torch::Tensor column(const torch::Tensor& block, int column_index, std::int64_t ticks, std::int64_t envs) {
    static constexpr std::int64_t kWidth[] = {8, 4, 4, 1, 1, 1, 1};
    static const torch::ScalarType kType[] = {torch::kInt64, torch::kFloat32, torch::kFloat32, torch::kUInt8,
                                              torch::kUInt8, torch::kUInt8,   torch::kUInt8};
    std::int64_t offset = 0;
    for (int i = 0; i < column_index; ++i) offset += kWidth[i] * ticks * envs;
    return block.narrow(0, offset, kWidth[column_index] * ticks * envs).view(kType[column_index]).view({ticks, envs});
  }
  enum Column { kEpisodeId, kReward, kDist, kTerminated, kTruncated, kIsFirst, kAction };

  torch::Tensor fields;       // device, packed columns
  torch::Tensor host_fields;  // pinned host copy
  torch::Tensor frames;       // device [ticks, envs, 1440], for collect_chunk()
  torch::Tensor actions;      // device uint8 [envs]: a_{t-1}, applied by the next step

#if defined(DREAMER_HAS_CUDA)
  c10::cuda::CUDAStream stream;
  // The actor's torch work goes to `stream` while one lives.
  struct StreamScope {
    explicit StreamScope(const DeviceStaging& staging) : guard(staging.stream) {}
    c10::cuda::CUDAStreamGuard guard;
  };
  void synchronize() const { stream.synchronize(); }
#else
  struct StreamScope {
    explicit StreamScope(const DeviceStaging&) {}
  };
  void synchronize() const {}
#endif
};

ActorWorker::ActorWorker(const env::Task& task, const learner::ModelOptions& model, const ActorWorkerOptions& options)
    : options_(options),
      chunk_(chunk_header(options)),
      dist_(static_cast<std::size_t>(options.commit_stride) * static_cast<std::size_t>(options.num_envs)),
      episodes_(options.num_envs, task.goal_params().max_steps) {
  const bool cuda = options.backend == env::Backend::kCuda;
  env_ = env::make_batched_env(task, {options.backend, options.num_envs, options.env_threads, options.cuda_device});
  if (cuda) device_ = std::make_unique<DeviceStaging>(options.commit_stride, options.num_envs, options.cuda_device);
  if (!options.constant_action) {
    std::optional<DeviceStaging::StreamScope> scope;
    if (device_) scope.emplace(*device_);
    const torch::Device device = cuda ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(options.cuda_device))
                                      : torch::Device(torch::kCPU);
    player_ = std::make_unique<learner::Player>(model, options.num_envs, device, options.seed);
  }
  if (!cuda) host_step_.emplace(*env_, player_.get(), options.greedy, options.constant_action);
  env_steps_ = options.initial_env_steps;
  report_started_ = now_seconds();
}

ActorWorker::~ActorWorker() = default;

const TrajectoryChunk& ActorWorker::collect_chunk() {
  if (device_) {
    ChunkFrameSlots frames{{}, packed2::kBytesPerFrame};
    for (int t = 0; t < options_.commit_stride; ++t)
      frames.tick_base.push_back(device_->frames[t].data_ptr<std::uint8_t>());
    run_device_ticks(frames, true);
  } else {
    run_host_ticks();
  }
  finish_chunk();
  return chunk_;
}

const TrajectoryChunk& ActorWorker::collect_chunk(const ChunkFrameSlots& frames) {
  DREAMER_ASSERT(device_ != nullptr, "collect_chunk(frames) needs the CUDA backend");
  run_device_ticks(frames, false);
  finish_chunk();
  return chunk_;
}

void ActorWorker::run_host_ticks() {
  const int n = options_.num_envs;
  for (int t = 0; t < options_.commit_stride; ++t) {
    env::EnvBatchOutputs out;
    out.observation = chunk_.observation(t, 0);
    out.reward = chunk_.reward(t);
    out.terminated = chunk_.is_terminal(t);
    out.truncated = chunk_.is_truncated(t);
    out.is_first = chunk_.is_first(t);
    out.dist = dist_.data() + static_cast<std::size_t>(t) * static_cast<std::size_t>(n);
    out.episode_id = chunk_.episode_id(t);
    const std::span<const std::uint8_t> applied = host_step_->tick(out);
    // Row t carries the action that led to obs_t; none at an episode start.
    std::uint8_t* action_row = chunk_.action(t);
    for (int e = 0; e < n; ++e) action_row[e] = chunk_.is_first(t)[e] != 0 ? 0 : applied[e];
  }
}

void ActorWorker::run_device_ticks(const ChunkFrameSlots& frames, bool copy_frames) {
  using Staging = DeviceStaging;
  const Staging::StreamScope on_actor_stream(*device_);
  const int n = options_.num_envs;
  const std::int64_t ticks = options_.commit_stride;
  const auto column = [&](const torch::Tensor& block, Staging::Column c) {
    return Staging::column(block, c, ticks, n);
  };
  const torch::Tensor episode_id = column(device_->fields, Staging::kEpisodeId);
  const torch::Tensor reward = column(device_->fields, Staging::kReward);
  const torch::Tensor dist = column(device_->fields, Staging::kDist);
  const torch::Tensor terminated = column(device_->fields, Staging::kTerminated);
  const torch::Tensor truncated = column(device_->fields, Staging::kTruncated);
  const torch::Tensor is_first = column(device_->fields, Staging::kIsFirst);
  const torch::Tensor action = column(device_->fields, Staging::kAction);
  for (int t = 0; t < ticks; ++t) {
    std::uint8_t* frame_base = frames.tick_base[static_cast<std::size_t>(t)];
    env::EnvBatchOutputs out;
    out.observation = frame_base;
    out.observation_stride = frames.env_stride;
    out.reward = reward[t].data_ptr<float>();
    out.terminated = terminated[t].data_ptr<std::uint8_t>();
    out.truncated = truncated[t].data_ptr<std::uint8_t>();
    out.is_first = is_first[t].data_ptr<std::uint8_t>();
    out.dist = dist[t].data_ptr<float>();
    out.episode_id = episode_id[t].data_ptr<std::int64_t>();
    if (!started_) {
      env_->reset(nullptr, out);
      started_ = true;
    } else {
      env_->step(device_->actions.data_ptr<std::uint8_t>(), out);
    }
    // The env runs on its own stream; the Player's work on torch's.
    env_->synchronize();
    action[t].copy_(torch::where(is_first[t] != 0, torch::zeros_like(device_->actions), device_->actions));
    if (options_.constant_action) {
      device_->actions.fill_(static_cast<std::int64_t>(*options_.constant_action));
    } else {
      const auto on_device = torch::TensorOptions().dtype(torch::kUInt8).device(device_->actions.device());
      const torch::Tensor obs =
          torch::from_blob(frame_base, {n, 72, 20}, {static_cast<std::int64_t>(frames.env_stride), 20, 1}, on_device);
      device_->actions.copy_(player_->act(obs, is_first[t], options_.greedy));
    }
    // The env's next step reads the actions.
    device_->synchronize();
  }
  // One copy of the chunk's fields to the host (and one of its frames, for
  // a host chunk).
  {
    DeclaredCopy scope("actor_chunk_fields");
    device_->host_fields.copy_(device_->fields);
  }
  // Each chunk field is one [steps, streams] block (trajectory_chunk.hpp),
  // as is each staged column: one memcpy per field.
  const auto to_host = [&](void* destination, Staging::Column c) {
    const torch::Tensor source = column(device_->host_fields, c);
    std::memcpy(destination, source.data_ptr(), source.nbytes());
  };
  to_host(chunk_.episode_id(0), Staging::kEpisodeId);
  to_host(chunk_.reward(0), Staging::kReward);
  to_host(dist_.data(), Staging::kDist);
  to_host(chunk_.is_terminal(0), Staging::kTerminated);
  to_host(chunk_.is_truncated(0), Staging::kTruncated);
  to_host(chunk_.is_first(0), Staging::kIsFirst);
  to_host(chunk_.action(0), Staging::kAction);
  if (copy_frames) {
    torch::from_blob(chunk_.observation(0, 0), device_->frames.sizes(), torch::kUInt8).copy_(device_->frames);
  }
}

void ActorWorker::tally_episodes() {
  const int n = options_.num_envs;
  for (int t = 0; t < options_.commit_stride; ++t) {
    const float* dist = dist_.data() + static_cast<std::size_t>(t) * static_cast<std::size_t>(n);
    for (int e = 0; e < n; ++e)
      episodes_.record(e, chunk_.is_first(t)[e] != 0, chunk_.reward(t)[e], dist[e], chunk_.is_terminal(t)[e] != 0,
                       chunk_.is_truncated(t)[e] != 0);
    episodes_.end_tick();
  }
}

void ActorWorker::finish_chunk() {
  tally_episodes();
  // Counted as replay counts them: one row per env per tick.
  const std::int64_t rows = static_cast<std::int64_t>(options_.commit_stride) * options_.num_envs;
  env_steps_ += rows;
  report_env_steps_ += rows;
  chunk_.header().policy_version = policy_version();
  chunk_.header().chunk_index += 1;
}

void ActorWorker::load_weights(const std::vector<torch::Tensor>& weights, std::int64_t version) {
  if (!player_) return;
  std::optional<DeviceStaging::StreamScope> scope;
  if (device_) scope.emplace(*device_);
  player_->load_weights(weights, version);
  // The copies are done before the caller may free or change `weights`.
  if (device_) device_->synchronize();
}

torch::Device ActorWorker::player_device() const {
  return device_ ? torch::Device(torch::kCUDA, static_cast<c10::DeviceIndex>(options_.cuda_device))
                 : torch::Device(torch::kCPU);
}

std::vector<std::uint8_t> flatten_weights(const std::vector<torch::Tensor>& weights, std::int64_t version) {
  std::vector<torch::Tensor> flat;
  for (const torch::Tensor& weight : weights)
    flat.push_back(weight.detach().to(torch::kCPU, torch::kFloat32).flatten());
  const torch::Tensor all = torch::cat(flat).contiguous();
  std::vector<std::uint8_t> bytes(sizeof version + static_cast<std::size_t>(all.numel()) * sizeof(float));
  std::memcpy(bytes.data(), &version, sizeof version);
  std::memcpy(bytes.data() + sizeof version, all.data_ptr<float>(), bytes.size() - sizeof version);
  return bytes;
}

void ActorWorker::load_flat_weights(std::span<const std::uint8_t> bytes) {
  if (!player_) return;
  std::int64_t version = 0;
  DREAMER_ASSERT(bytes.size() >= sizeof version, "weights message too short");
  std::memcpy(&version, bytes.data(), sizeof version);
  std::vector<torch::Tensor> weights = player_->weights();
  std::size_t offset = sizeof version;
  for (torch::Tensor& weight : weights) {
    const std::size_t size = static_cast<std::size_t>(weight.numel()) * sizeof(float);
    DREAMER_ASSERT(offset + size <= bytes.size(), "weights message shorter than the Player's weights");
    weight = torch::from_blob(const_cast<std::uint8_t*>(bytes.data()) + offset, weight.sizes(), torch::kFloat32)
                 .to(weight.dtype());
    offset += size;
  }
  DREAMER_ASSERT(offset == bytes.size(), "weights message longer than the Player's weights");
  player_->load_weights(weights, version);
}

std::int64_t ActorWorker::policy_version() const { return player_ ? player_->version() : -1; }

nlohmann::json ActorWorker::take_report() {
  const double now = now_seconds();
  const double elapsed = std::max(1e-9, now - report_started_);
  nlohmann::json report = {{"actor", options_.actor_index},
                           {"actor_env_steps", env_steps_},
                           {"policy_version", policy_version()},
                           {"sps", static_cast<double>(report_env_steps_) / elapsed},
                           {"episode_outcomes", episode_outcomes_to_json(episodes_.take())}};
  report_env_steps_ = 0;
  report_started_ = now;
  return report;
}

}  // namespace dreamer::actors
