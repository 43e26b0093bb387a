#include "gates/metrics_aggregator.hpp"

#include <algorithm>
#include <chrono>
#include <limits>
#include <string>

#include "common/run/episode_statistics.hpp"

#ifdef DREAMER_HAS_TENSORBOARD
#include "common/media/tensorboard_writer.hpp"
#endif

namespace dreamer::gates {
namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

#ifdef DREAMER_HAS_TENSORBOARD
// Every number of a record (booleans and strings aside), by key.
std::map<std::string, double> scalars_of(const nlohmann::json& record) {
  std::map<std::string, double> scalars;
  for (const auto& [key, value] : record.items()) {
    if (value.is_number()) scalars[key] = value.get<double>();
  }
  return scalars;
}
#endif

}  // namespace

MetricsAggregator::MetricsAggregator(const std::filesystem::path& metrics_jsonl)
    : log_(metrics_jsonl), started_(now_seconds()) {
#ifdef DREAMER_HAS_TENSORBOARD
  tensorboard_ = std::make_unique<TensorBoardWriter>(metrics_jsonl.parent_path().empty() ? std::filesystem::path(".")
                                                                                         : metrics_jsonl.parent_path());
#endif
}

MetricsAggregator::~MetricsAggregator() = default;

bool MetricsAggregator::writes_tensorboard() {
#ifdef DREAMER_HAS_TENSORBOARD
  return true;
#else
  return false;
#endif
}

std::filesystem::path MetricsAggregator::tensorboard_path() const {
#ifdef DREAMER_HAS_TENSORBOARD
  return tensorboard_->path();
#else
  return {};
#endif
}

void MetricsAggregator::on_actor_report(const nlohmann::json& report) {
  actor_latest_[report.value("actor", 0)] = report;
  actor_window_.push_back(report);
}

void MetricsAggregator::on_replay_report(const nlohmann::json& report) { replay_latest_ = report; }

std::int64_t MetricsAggregator::env_steps() const {
  std::int64_t total = 0;
  for (const auto& [actor, report] : actor_latest_) total += report.value("actor_env_steps", std::int64_t{0});
  return std::max(total, resumed_env_steps_);
}

const nlohmann::json& MetricsAggregator::on_learner_report(const nlohmann::json& report) {
  nlohmann::json record = {{"env_steps", env_steps()}};
  for (const auto& [key, value] : report.items()) record[key] = value;
  for (const auto& [key, value] : replay_latest_.items()) record[key] = value;

  double sps = 0.0;
  for (const auto& [actor, latest] : actor_latest_) sps += latest.value("sps", 0.0);
  record["sps"] = sps;
  // The oldest policy any actor acts with: learners' weights reach every actor.
  if (!actor_latest_.empty()) {
    std::int64_t oldest = std::numeric_limits<std::int64_t>::max();
    for (const auto& [actor, latest] : actor_latest_)
      oldest = std::min(oldest, latest.value("policy_version", std::int64_t{-1}));
    record["policy_version_min"] = oldest;
  }
  // The episodes of every actor since the last record, pooled: percentiles
  // and rates of the union, not averages of each actor's.
  std::vector<EpisodeOutcome> outcomes;
  for (const nlohmann::json& window : actor_window_) {
    const auto it = window.find("episode_outcomes");
    if (it != window.end()) append_episode_outcomes(*it, outcomes);
  }
  add_episode_metrics(record, summarize_episodes(outcomes));
  record["wall_s"] = now_seconds() - started_;
  actor_window_.clear();
  return write(std::move(record));
}

const nlohmann::json& MetricsAggregator::on_evaluation_record(const nlohmann::json& evaluation) {
  nlohmann::json record = {{"env_steps", env_steps()}};
  for (const auto& [key, value] : evaluation.items()) record[key] = value;
  record["wall_s"] = now_seconds() - started_;
  return write(std::move(record));
}

const nlohmann::json& MetricsAggregator::write(nlohmann::json record) {
  log_.append(record);
#ifdef DREAMER_HAS_TENSORBOARD
  tensorboard_->add_scalars(record.value("opt_steps", std::int64_t{0}), scalars_of(record));
#endif
  records_.push_back(std::move(record));
  return records_.back();
}

}  // namespace dreamer::gates
