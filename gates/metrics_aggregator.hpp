#pragma once
// MetricsAggregator: the gate role's collector. Every other role reports to
// it (actors: episode and throughput tallies; replay: ring and limiter
// metrics; learner 0: update metrics); at each learner report it writes one
// combined record to metrics.jsonl:
//
//   {env_steps, opt_steps, <learner keys>, <replay keys>, <actor keys>, wall_s}
//
// In builds with the TensorBoard writer (DREAMER_HAS_TENSORBOARD) the same
// record also goes to an event file beside metrics.jsonl
// (events.out.tfevents.*, common/media/tensorboard_writer.hpp): every number as a
// scalar tagged with its key, at step opt_steps.
//
// A periodic evaluation's record is written as it comes, with env_steps and
// wall_s beside its own keys ("periodic_eval": true, eval_*).
//
// Actor keys are combined over every actor report since the previous record:
// the episode outcomes of all of them are pooled into one set of episode
// metrics (common/run/episode_statistics.hpp; "episodes" is the count, and the
// rates are absent when it is 0); sps is summed over actors, last value of
// each.
//
// Not thread-safe: the gate's one thread owns it.
#include <nlohmann/json.hpp>

#include <filesystem>
#include <map>
#include <memory>
#include <vector>

#include "common/run/metrics_log.hpp"

namespace dreamer {
class TensorBoardWriter;
}

namespace dreamer::gates {

class MetricsAggregator {
 public:
  explicit MetricsAggregator(const std::filesystem::path& metrics_jsonl);
  ~MetricsAggregator();
  MetricsAggregator(const MetricsAggregator&) = delete;
  MetricsAggregator& operator=(const MetricsAggregator&) = delete;

  // Whether this build writes TensorBoard event files.
  static bool writes_tensorboard();
  // The event file, empty when this build has none.
  std::filesystem::path tensorboard_path() const;

  void on_actor_report(const nlohmann::json& report);
  void on_replay_report(const nlohmann::json& report);
  // Writes and returns the combined record (the reference lasts until the
  // next record).
  const nlohmann::json& on_learner_report(const nlohmann::json& report);
  // A periodic greedy evaluation of the lead learner (launch/update_cadence.hpp):
  // written as {env_steps, <its keys>, wall_s}, and returned.
  const nlohmann::json& on_evaluation_record(const nlohmann::json& evaluation);

  // A resumed run stands at `env_steps` before its actors report again:
  // records never count fewer (they read 0 until the first actor report).
  void resume_at(std::int64_t env_steps) { resumed_env_steps_ = env_steps; }
  // The actors' env steps, at least where a resumed run stood.
  std::int64_t env_steps() const;
  const std::vector<nlohmann::json>& records() const { return records_; }
  void sync() { log_.sync(); }

 private:
  // Appends `record` to the log (and event file) and keeps it.
  const nlohmann::json& write(nlohmann::json record);

  MetricsLog log_;
#ifdef DREAMER_HAS_TENSORBOARD
  std::unique_ptr<TensorBoardWriter> tensorboard_;
#endif
  std::map<int, nlohmann::json> actor_latest_;  // by actor index
  std::vector<nlohmann::json> actor_window_;    // reports since the last record
  nlohmann::json replay_latest_ = nlohmann::json::object();
  std::vector<nlohmann::json> records_;
  std::int64_t resumed_env_steps_ = 0;
  double started_;
};

}  // namespace dreamer::gates
