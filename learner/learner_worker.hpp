#pragma once
// LearnerWorker: one learner's loop body. Turns sampled replay batches into
// Dreamer v3 updates, averages gradients with the other learners (when a
// GradientAllReducer is given), hands out Player weights, and saves/restores
// checkpoints.
//
//   update(batch): SampleBatch (host, batch-major) -> TrainingBatch tensors
//                  on the learner's device (one copy of the batch's block;
//                  observations already on the device with a device ring)
//                  -> DreamerAgent::update
//                  (gradient hook -> all-reduce, quantile hook -> mean)
//
// Metrics stay on the device (UpdateMetrics); the caller reads them once per
// logging interval.
//
// Not thread-safe: one thread drives a LearnerWorker.
#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "learner/checkpoint.hpp"
#include "learner/dreamer_agent.hpp"
#include "learner/dreamer_options.hpp"
#include "learner/gradient_allreduce.hpp"
#include "learner/reconstruction.hpp"
#include "replay/sample_batch.hpp"

namespace dreamer::learner {

class LearnerWorker {
 public:
  // `reducer` may be null (one learner). `learners` is the learners' MPI
  // communicator (MPI_COMM_NULL with one learner), used to average the
  // return quantiles.
  LearnerWorker(const DreamerOptions& options, torch::Device device, std::unique_ptr<GradientAllReducer> reducer,
                MPI_Comm learners);

  // `device_observations` ([batch, seq_len, 1440] uint8 on the learner's
  // device) replaces the batch's own observations, for batches sampled from
  // a DeviceReplayRing; the other fields come from `batch` in one copy.
  UpdateMetrics update(const replay::SampleBatch& batch, const torch::Tensor& device_observations = {});
  // The world model's reconstruction of `batch` (learner/reconstruction.hpp).
  Reconstruction reconstruct(const replay::SampleBatch& batch, const torch::Tensor& device_observations = {});

  std::vector<torch::Tensor> player_weights() { return agent_.player_weights(); }
  std::int64_t updates() const { return agent_.counters().updates; }
  DreamerAgent& agent() { return agent_; }
  // Seconds and bytes of the last update's all-reduces (zero without one).
  const AllReduceStats& last_allreduce() const { return last_allreduce_; }
  // Collective over the learners: throws dreamer::Error unless every learner
  // applied bit-identical averaged gradients at every update so far (their
  // gradient digests agree). One host read; a no-op without a reducer.
  void check_identical_gradients() const;

  // Checkpoints hold the agent plus the caller's counters and config.
  std::filesystem::path save(const std::filesystem::path& directory,
                             const std::map<std::string, std::int64_t>& counters, const std::string& config_json);
  // Restores from `latest` in `directory`, or from the newest checkpoint
  // that loads when `latest` or its file is damaged (what was passed over is
  // in the result); nullopt when there is no checkpoint yet.
  std::optional<ResumedCheckpoint> restore(const std::filesystem::path& directory);

 private:
  TrainingBatch to_training_batch(const replay::SampleBatch& batch, const torch::Tensor& device_observations) const;

  DreamerAgent agent_;
  std::unique_ptr<GradientAllReducer> reducer_;
  MPI_Comm learners_;
  AllReduceStats last_allreduce_;
};

}  // namespace dreamer::learner
