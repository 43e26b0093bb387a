#include "launch/update_guard.hpp"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "common/gpu_audit/declared_copy.hpp"
#include "common/run/failure_bundle.hpp"

namespace dreamer {
namespace {

std::vector<BundleTensor> batch_tensors(const replay::SampleBatch& batch) {
  const replay::SampleBatchView& view = batch.view();
  const hsize_t b = static_cast<hsize_t>(view.batch_size);
  const hsize_t t = static_cast<hsize_t>(view.seq_len);
  using hdf5::ElementType;
  std::vector<BundleTensor> tensors = {{"batch/action", ElementType::kUInt8, {b, t}, view.action},
                                       {"batch/reward", ElementType::kFloat32, {b, t}, view.reward},
                                       {"batch/is_first", ElementType::kUInt8, {b, t}, view.is_first},
                                       {"batch/is_terminal", ElementType::kUInt8, {b, t}, view.is_terminal},
                                       {"batch/is_truncated", ElementType::kUInt8, {b, t}, view.is_truncated},
                                       {"batch/continues", ElementType::kFloat32, {b, t}, view.continues},
                                       {"batch/episode_id", ElementType::kInt64, {b, t}, view.episode_id},
                                       {"batch/stamp", ElementType::kUInt64, {b, t}, view.stamp},
                                       {"batch/stream", ElementType::kInt32, {b}, view.stream},
                                       {"batch/start_step", ElementType::kUInt64, {b}, view.start_step}};
  if (view.observations != nullptr)
    tensors.insert(tensors.begin(), {"batch/observations", ElementType::kUInt8, {b, t, 72, 20}, view.observations});
  return tensors;
}

std::size_t non_finite_count(const float* values, std::size_t count) {
  return static_cast<std::size_t>(std::count_if(values, values + count, [](float v) { return !std::isfinite(v); }));
}

// Where non-finite values sit after a failed update: the batch's float
// fields and the agent's modules.
std::vector<std::string> non_finite_places(learner::LearnerWorker& learner, const replay::SampleBatch& batch) {
  const replay::SampleBatchView& view = batch.view();
  const std::size_t elements = static_cast<std::size_t>(view.batch_size) * static_cast<std::size_t>(view.seq_len);
  std::vector<std::string> places;
  if (non_finite_count(view.reward, elements) > 0) places.push_back("batch reward");
  if (non_finite_count(view.continues, elements) > 0) places.push_back("batch continues");
  torch::NoGradGuard no_grad;
  for (const auto& [name, module] : learner.agent().named_modules()) {
    for (const torch::Tensor& parameter : module->parameters()) {
      if (!torch::isfinite(parameter).all().item<bool>()) {
        places.push_back(name + " parameters");
        break;
      }
    }
  }
  return places;
}

}  // namespace

UpdateFailure::UpdateFailure(std::string reason, std::filesystem::path bundle)
    : Error(reason + "; failure bundle " + bundle.string()), reason_(std::move(reason)), bundle_(std::move(bundle)) {}

UpdateGuard::UpdateGuard(RunDirectory run, RunInvocation invocation, std::string config_json, int learner_index,
                         std::size_t keep_records)
    : run_(std::move(run)),
      invocation_(std::move(invocation)),
      config_json_(std::move(config_json)),
      learner_index_(learner_index),
      keep_records_(keep_records) {}

void UpdateGuard::remember(const nlohmann::json& record) {
  last_records_.push_back(record);
  while (last_records_.size() > keep_records_) last_records_.pop_front();
}

learner::UpdateMetrics UpdateGuard::update(learner::LearnerWorker& learner, const replay::SampleBatch& batch,
                                           const torch::Tensor& device_observations) {
  const std::int64_t update = learner.updates() + 1;
  const std::string at = " at update " + std::to_string(update);
  learner::UpdateMetrics metrics;
  try {
    metrics = learner.update(batch, device_observations);
  } catch (const std::exception& error) {
    check(learner);  // an earlier update may have gone bad first
    const std::vector<std::string> places = non_finite_places(learner, batch);
    std::string reason = places.empty() ? "update failed" + at : "non-finite values" + at + " (";
    for (std::size_t i = 0; i < places.size(); ++i) reason += (i == 0 ? "" : ", ") + places[i];
    reason += places.empty() ? ": " : "): ";
    reason += first_line(error.what());
    fail(reason, (places.empty() ? "failed_update" : "nonfinite_update") + std::to_string(update),
         {{"update", update}, {"non_finite", places}, {"error", error.what()}}, batch);
  }

  keep(update, metrics, batch);
  if (unchecked_count_ == kMaxUnchecked) check(learner);
  return metrics;
}

void UpdateGuard::keep(std::int64_t update, const learner::UpdateMetrics& metrics, const replay::SampleBatch& batch) {
  if (unchecked_count_ == unchecked_slots_.size()) unchecked_slots_.emplace_back();
  Unchecked& slot = unchecked_slots_[unchecked_count_++];
  slot.update = update;
  slot.metrics = metrics.values.detach().clone();  // graph replays overwrite their outputs
  const bool with_observations = batch.view().observations != nullptr;
  if (!slot.batch || slot.batch->size_bytes() != batch.size_bytes()) {
    slot.batch = std::make_unique<replay::SampleBatch>(batch.batch_size(), batch.seq_len(), with_observations);
  }
  std::memcpy(slot.batch->data(), batch.data(), batch.size_bytes());
}

void UpdateGuard::check(learner::LearnerWorker& learner) {
  if (unchecked_count_ == 0) return;
  const std::size_t count = unchecked_count_;
  unchecked_count_ = 0;
  std::vector<torch::Tensor> rows;
  rows.reserve(count);
  for (std::size_t i = 0; i < count; ++i) rows.push_back(unchecked_slots_[i].metrics);
  torch::Tensor host;
  {
    DeclaredCopy scope("update_metrics");
    host = torch::stack(rows).to(torch::kCPU, torch::kFloat64).contiguous();
  }
  const double* data = host.data_ptr<double>();
  const std::size_t width = learner::UpdateMetrics::names().size();
  const double* end = data + count * width;
  const double* first = std::find_if(data, end, [](double value) { return !std::isfinite(value); });
  if (first == end) return;
  // The first bad update: the row of the first non-finite value.
  const std::size_t row = static_cast<std::size_t>(first - data) / width;
  const double* values = data + row * width;
  std::vector<std::string> bad;
  nlohmann::json by_name = nlohmann::json::object();
  for (std::size_t i = 0; i < width; ++i) {
    const std::string& name = learner::UpdateMetrics::names()[i];
    by_name[name] = std::isfinite(values[i]) ? nlohmann::json(values[i]) : nlohmann::json(nullptr);
    if (!std::isfinite(values[i])) bad.push_back(name);
  }
  const Unchecked& first_bad = unchecked_slots_[row];
  const std::string at = " at update " + std::to_string(first_bad.update);
  // Where the non-finite values came from (the batch, the weights) first,
  // then the metrics that show them.
  std::vector<std::string> places = non_finite_places(learner, *first_bad.batch);
  std::string reason = places.empty() ? "non-finite update metrics" + at + ":" : "non-finite values" + at + " (";
  for (std::size_t i = 0; i < places.size(); ++i) reason += (i == 0 ? "" : ", ") + places[i];
  if (!places.empty()) reason += "): non-finite update metrics:";
  for (std::size_t i = 0; i < bad.size(); ++i) reason += (i == 0 ? " " : ", ") + bad[i];
  places.insert(places.end(), bad.begin(), bad.end());
  fail(reason, "nonfinite_update" + std::to_string(first_bad.update),
       {{"update", first_bad.update}, {"non_finite", places}, {"update_metrics", by_name}}, *first_bad.batch);
}

void UpdateGuard::fail(const std::string& reason, const std::string& name, nlohmann::json details,
                       const replay::SampleBatch& batch) {
  details["learner"] = std::max(learner_index_, 0);
  FailureReport report;
  report.reason = reason;
  report.details = std::move(details);
  report.last_metrics.assign(last_records_.begin(), last_records_.end());
  report.config_json = config_json_;
  report.repro_command = invocation_.command_line;
  report.working_directory = invocation_.working_directory;
  report.tensors = batch_tensors(batch);
  const std::string bundle_name = learner_index_ >= 0 ? name + "_learner" + std::to_string(learner_index_) : name;
  throw UpdateFailure(reason, std::filesystem::absolute(write_failure_bundle(run_.failures(), bundle_name, report)));
}

void poison_batch_with_nan(replay::SampleBatch& batch) {
  batch.view().reward[0] = std::numeric_limits<float>::quiet_NaN();
}

}  // namespace dreamer
