#include "learner/learner_worker.hpp"

#include <string>

#include "common/error.hpp"
#include "common/mpi_check.hpp"
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

TrainingBatch LearnerWorker::to_training_batch(const replay::SampleBatch& batch) const {
  const replay::SampleBatchView& view = batch.view();
  const std::int64_t b = view.batch_size, t = view.seq_len;
  const torch::Device device = agent_.device();
  // from_blob views the sampler's buffer; to()/clone() copy it out, since the
  // buffer is refilled by the next sample.
  const auto bytes = [&](std::uint8_t* data) {
    return torch::from_blob(data, {b, t}, torch::kUInt8).to(device, torch::kFloat32);
  };
  TrainingBatch out;
  out.obs = torch::from_blob(view.observations, {b, t, 72, 20}, torch::kUInt8).to(device).clone();
  out.action = torch::from_blob(view.action, {b, t}, torch::kUInt8).to(device, torch::kInt64);
  out.reward = torch::from_blob(view.reward, {b, t}, torch::kFloat32).to(device).clone();
  out.is_first = bytes(view.is_first);
  out.is_terminal = bytes(view.is_terminal);
  out.is_truncated = bytes(view.is_truncated);
  return out;
}

UpdateMetrics LearnerWorker::update(const replay::SampleBatch& batch) {
  last_allreduce_ = AllReduceStats{};
  return agent_.update(to_training_batch(batch));
}

Reconstruction LearnerWorker::reconstruct(const replay::SampleBatch& batch) {
  const auto& model = agent_.options().model;
  return learner::reconstruct(agent_.world_model(),
                              prepare_batch(to_training_batch(batch), model.num_actions, agent_.device()));
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

std::optional<std::map<std::string, std::int64_t>> LearnerWorker::restore(const std::filesystem::path& directory) {
  if (!find_latest_checkpoint(directory)) return std::nullopt;
  CheckpointState state = checkpoint_state(agent_);
  load_checkpoint(directory, state);
  agent_.counters().updates = state.counters.at("updates");
  return state.counters;
}

}  // namespace dreamer::learner
