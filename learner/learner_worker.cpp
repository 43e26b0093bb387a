#include "learner/learner_worker.hpp"

#include <string>

#include "common/error.hpp"
#include "common/gpu_audit/declared_copy.hpp"
#include "common/mpi/mpi_check.hpp"
#include "learner/checkpoint.hpp"

namespace dreamer::learner {
namespace {

CheckpointState checkpoint_state(DreamerAgent& agent) {
  CheckpointState state;
  for (auto& [name, module] : agent.named_modules()) state.modules.push_back({name, module.get()});
  for (auto& [name, optimizer] : agent.named_optimizers()) state.optimizers.push_back({name, optimizer});
  return state;
}

}  // namespace

LearnerWorker::LearnerWorker(const DreamerOptions& options, torch::Device device,
                             std::unique_ptr<GradientAllReducer> reducer, MPI_Comm learners)
    : agent_(options, device), reducer_(std::move(reducer)), learners_(learners) {
  if (!reducer_) return;
  agent_.set_gradient_hook([this](ParameterGroup group, std::vector<torch::Tensor>&) {
    torch::nn::Module* module = nullptr;
    switch (group) {
      case ParameterGroup::kModel:
        module = agent_.world_model().get();
        break;
      case ParameterGroup::kActor:
        module = agent_.actor().get();
        break;
      case ParameterGroup::kCritic:
        module = agent_.critic().get();
        break;
    }
    // The hook's tensors are the parameters' .grad(), averaged in place.
    const AllReduceStats stats = reducer_->average_gradients(module->parameters());
    last_allreduce_.bytes += stats.bytes;
    last_allreduce_.seconds += stats.seconds;
    last_allreduce_.world_size = stats.world_size;
  });
  agent_.set_quantile_hook([this](torch::Tensor& quantiles) {
    // Learners keep one ReturnEMA between them: average this update's quantiles.
    torch::Tensor host = quantiles.to(torch::kCPU, torch::kFloat32).contiguous();
    int size = 1;
    DREAMER_CHECK_MPI(MPI_Comm_size(learners_, &size));
    DREAMER_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, host.data_ptr<float>(), static_cast<int>(host.numel()), MPI_FLOAT,
                                    MPI_SUM, learners_));
    quantiles = (host / static_cast<float>(size)).to(quantiles.device());
  });
}

void LearnerWorker::check_identical_gradients() const {
  if (!reducer_ || !reducer_->digest().defined()) return;
  const std::int64_t local = reducer_->digest().item<std::int64_t>();
  std::int64_t low = 0, high = 0;
  DREAMER_CHECK_MPI(MPI_Allreduce(&local, &low, 1, MPI_INT64_T, MPI_MIN, learners_));
  DREAMER_CHECK_MPI(MPI_Allreduce(&local, &high, 1, MPI_INT64_T, MPI_MAX, learners_));
  if (low != high)
    throw Error("learners applied different averaged gradients by update " + std::to_string(updates()) +
                " (gradient digests " + std::to_string(low) + " vs " + std::to_string(high) + ")");
}

TrainingBatch LearnerWorker::to_training_batch(const replay::SampleBatch& batch,
                                               const torch::Tensor& device_observations) const {
  const replay::SampleBatchView& view = batch.view();
  const std::int64_t b = view.batch_size, t = view.seq_len;
  // One copy of the sampler's whole block (it is refilled by the next
  // sample), then each field is a view into the copy.
  DeclaredCopy scope("batch_fields");
  const torch::Tensor block = torch::from_blob(const_cast<std::uint8_t*>(batch.data()),
                                               {static_cast<std::int64_t>(batch.size_bytes())}, torch::kUInt8)
                                  .to(agent_.device(), /*non_blocking=*/false, /*copy=*/true);
  const auto field = [&](const void* data, torch::ScalarType type, std::int64_t bytes) {
    const std::int64_t offset = static_cast<const std::uint8_t*>(data) - batch.data();
    return block.narrow(0, offset, bytes).view(type);
  };
  TrainingBatch out;
  if (device_observations.defined()) {
    DREAMER_ASSERT(device_observations.device() == agent_.device() && device_observations.numel() == b * t * 1440,
                   "device observations must be [batch, seq_len, 1440] on the learner's device");
    out.obs = device_observations.view({b, t, 72, 20});
  } else {
    DREAMER_ASSERT(view.observations != nullptr, "a batch without observations needs device_observations");
    out.obs = field(view.observations, torch::kUInt8, b * t * 1440).view({b, t, 72, 20});
  }
  out.action = field(view.action, torch::kUInt8, b * t).view({b, t}).to(torch::kInt64);
  out.reward = field(view.reward, torch::kFloat32, b * t * 4).view({b, t});
  out.is_first = field(view.is_first, torch::kUInt8, b * t).view({b, t}).to(torch::kFloat32);
  out.is_terminal = field(view.is_terminal, torch::kUInt8, b * t).view({b, t}).to(torch::kFloat32);
  out.is_truncated = field(view.is_truncated, torch::kUInt8, b * t).view({b, t}).to(torch::kFloat32);
  return out;
}

UpdateMetrics LearnerWorker::update(const replay::SampleBatch& batch, const torch::Tensor& device_observations) {
  last_allreduce_ = AllReduceStats{};
  return agent_.update(to_training_batch(batch, device_observations));
}

Reconstruction LearnerWorker::reconstruct(const replay::SampleBatch& batch, const torch::Tensor& device_observations) {
  const auto& model = agent_.options().model;
  return learner::reconstruct(agent_.world_model(), prepare_batch(to_training_batch(batch, device_observations),
                                                                  model.num_actions, agent_.device()));
}

std::filesystem::path LearnerWorker::save(const std::filesystem::path& directory,
                                          const std::map<std::string, std::int64_t>& counters,
                                          const std::string& config_json) {
  CheckpointState state = checkpoint_state(agent_);
  state.counters = counters;
  state.counters["updates"] = agent_.counters().updates;
  state.config_json = config_json;
  CheckpointSaveOptions options;
  options.keep_last = 3;
  return save_checkpoint(directory, agent_.counters().updates, state, options);
}

std::optional<ResumedCheckpoint> LearnerWorker::restore(const std::filesystem::path& directory) {
  CheckpointState state = checkpoint_state(agent_);
  std::optional<ResumedCheckpoint> resumed = load_newest_good_checkpoint(directory, state);
  if (!resumed) return resumed;
  const auto updates = state.counters.find("updates");
  if (updates == state.counters.end())
    throw Error("checkpoint '" + resumed->info.file.string() + "' has no 'updates' counter in /counters");
  agent_.counters().updates = updates->second;
  return resumed;
}

}  // namespace dreamer::learner
