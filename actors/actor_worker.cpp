#include "actors/actor_worker.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>

#include "actors/episode_statistics.hpp"
#include "common/error.hpp"
#include "learner/player.hpp"

namespace dreamer::actors {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

replay::ChunkHeader chunk_header(const ActorWorkerOptions& options) {
  replay::ChunkHeader header;
  header.actor = options.actor_index;
  header.first_stream = options.actor_index * options.num_envs;
  header.num_streams = options.num_envs;
  header.steps = options.commit_stride;
  return header;
}

}  // namespace

ActorWorker::ActorWorker(const env::Task& task, const learner::ModelOptions& model, const ActorWorkerOptions& options)
    : options_(options),
      chunk_(chunk_header(options)),
      actions_(static_cast<std::size_t>(options.num_envs), 0),
      max_steps_(task.goal_params().max_steps),
      episode_return_(static_cast<std::size_t>(options.num_envs), 0.0f),
      episode_length_(static_cast<std::size_t>(options.num_envs), 0) {
  if (options.backend != env::Backend::kCpu)
    throw Error(
        "the actor loop drives CPU environments in this build; the CUDA actor path writes into the device "
        "replay ring and is not wired yet");
  env_ = env::make_batched_env(task, {options.backend, options.num_envs, options.env_threads, 0});
  if (!options.constant_action) {
    torch::manual_seed(static_cast<std::uint64_t>(options.seed));
    player_ = std::make_unique<learner::Player>(model, options.num_envs, torch::kCPU);
  }
  env_steps_ = options.initial_env_steps;
  report_started_ = now_seconds();
}

ActorWorker::~ActorWorker() = default;

const replay::TrajectoryChunk& ActorWorker::collect_chunk() {
  const int n = options_.num_envs;
  std::vector<float> dist(static_cast<std::size_t>(n));
  for (int t = 0; t < options_.commit_stride; ++t) {
    env::EnvBatchOutputs out;
    out.observation = chunk_.observation(t, 0);
    out.reward = chunk_.reward(t);
    out.terminated = chunk_.is_terminal(t);
    out.truncated = chunk_.is_truncated(t);
    out.is_first = chunk_.is_first(t);
    out.dist = dist.data();
    out.episode_id = chunk_.episode_id(t);
    if (!started_) {
      env_->reset(nullptr, out);
      started_ = true;
    } else {
      env_->step(actions_.data(), out);
    }
    // Counted as replay counts them: one row per env per tick.
    env_steps_ += n;
    report_env_steps_ += n;
    // Row t carries the action that led to obs_t; none at an episode start.
    std::uint8_t* action_row = chunk_.action(t);
    for (int e = 0; e < n; ++e) action_row[e] = chunk_.is_first(t)[e] != 0 ? 0 : actions_[e];
    for (int e = 0; e < n; ++e) {
      if (chunk_.is_first(t)[e] != 0) continue;
      episode_return_[e] += chunk_.reward(t)[e];
      episode_length_[e] += 1;
      if (chunk_.is_terminal(t)[e] != 0 || chunk_.is_truncated(t)[e] != 0) {
        finished_.push_back({episode_return_[e], episode_length_[e], dist[e], chunk_.is_terminal(t)[e] != 0});
        episode_return_[e] = 0.0f;
        episode_length_[e] = 0;
      }
    }

    if (options_.constant_action) {
      std::fill(actions_.begin(), actions_.end(), *options_.constant_action);
    } else {
      const torch::Tensor obs = torch::from_blob(chunk_.observation(t, 0), {n, 72, 20}, torch::kUInt8);
      const torch::Tensor is_first = torch::from_blob(chunk_.is_first(t), {n}, torch::kUInt8);
      const torch::Tensor actions = player_->act(obs, is_first, options_.greedy).to(torch::kUInt8).contiguous();
      std::copy_n(actions.data_ptr<std::uint8_t>(), n, actions_.begin());
    }
  }
  chunk_.header().policy_version = policy_version();
  chunk_.header().chunk_index += 1;
  return chunk_;
}

void ActorWorker::load_weights(const std::vector<torch::Tensor>& weights, std::int64_t version) {
  if (player_) player_->load_weights(weights, version);
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
                           {"episodes", static_cast<std::int64_t>(finished_.size())}};
  // done_rate counts env steps as replay does (reset rows included).
  const EpisodeStatistics stats = summarize_episodes(finished_, max_steps_, report_env_steps_);
  if (stats.episodes > 0) {
    report["success_rate"] = stats.success_rate;
    report["mean_return"] = stats.mean_return;
    report["ep_len_mean"] = stats.episode_length_mean;
    report["dist_p10"] = stats.dist_p10;
    report["dist_p50"] = stats.dist_p50;
    report["dist_p90"] = stats.dist_p90;
  }
  report["done_rate"] = stats.done_rate;
  report_env_steps_ = 0;
  finished_.clear();
  report_started_ = now;
  return report;
}

}  // namespace dreamer::actors
