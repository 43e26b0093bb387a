// One role per rank (see training_run.hpp and role_messages.hpp).
#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <optional>
#include <thread>

#include "actors/actor_worker.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/mpi/mpi_check.hpp"
#include "common/run/metrics_log.hpp"
#include "gates/metrics_aggregator.hpp"
#include "launch/progress_line.hpp"
#include "launch/role_messages.hpp"
#include "launch/run_artifacts.hpp"
#include "launch/run_setup.hpp"
#include "launch/stop_signal.hpp"
#include "launch/training_run.hpp"
#include "launch/update_cadence.hpp"
#include "launch/wall_budget.hpp"
#include "learner/learner_worker.hpp"
#include "replay/replay_protocol.hpp"
#include "replay/replay_server.hpp"
#include "replay/replay_service.hpp"

namespace dreamer {
namespace {

void idle() { std::this_thread::sleep_for(std::chrono::microseconds(200)); }

// The learners' own communicator (for gradient and quantile averaging).
MPI_Comm split_learners(const RoleLayout& layout, int rank) {
  MPI_Comm learners = MPI_COMM_NULL;
  const int color = layout.learner_index(rank) >= 0 ? 1 : MPI_UNDEFINED;
  DREAMER_CHECK_MPI(MPI_Comm_split(MPI_COMM_WORLD, color, rank, &learners));
  return learners;
}

RunOutcome run_gate(const RunConfig& config, const RunDirectory& run, const RoleLayout& layout,
                    std::int64_t resumed_env_steps) {
  gates::MetricsAggregator gate(run.metrics_jsonl());
  gate.resume_at(resumed_env_steps);
  RunOutcome outcome;
  const int others = layout.world_size() - 1;
  int done = 0;
  bool stopping = false;
  const auto broadcast_stop = [&] {
    if (stopping) return;
    stopping = true;
    for (int rank = 1; rank < layout.world_size(); ++rank) send_int(0, rank, kStop);
  };
  while (done < others) {
    bool worked = false;
    if (message_waiting(MPI_ANY_SOURCE, kReport)) {
      const nlohmann::json report = receive_json(MPI_ANY_SOURCE, kReport);
      const std::string role = report.value("role", "");
      if (role == "actor") gate.on_actor_report(report);
      if (role == "replay") gate.on_replay_report(report);
      if (role == "learner") {
        const nlohmann::json& record = gate.on_learner_report(report);
        outcome.opt_steps = record.value("opt_steps", std::int64_t{0});
        std::printf("%s\n", progress_line(record, config.total_env_steps).c_str());
        std::fflush(stdout);
      }
      if (role == "evaluation") {
        std::printf("%s\n", periodic_evaluation_line(gate.on_evaluation_record(report)).c_str());
        std::fflush(stdout);
      }
      worked = true;
    }
    if (message_waiting(MPI_ANY_SOURCE, kDone)) {
      const nlohmann::json final_report = receive_json(MPI_ANY_SOURCE, kDone);
      if (final_report.value("role", "") == "actor") gate.on_actor_report(final_report);
      if (final_report.value("stopped_by_signal", false)) outcome.stopped_by_signal = true;
      if (final_report.value("reached_target", false)) outcome.reached_target = true;
      ++done;
      broadcast_stop();  // the first role to finish ends the run for all
      worked = true;
    }
    if (stop_requested()) {
      outcome.stopped_by_signal = true;
      broadcast_stop();
    }
    if (!worked) idle();
  }
  outcome.env_steps = gate.env_steps();
  gate.sync();
  write_run_metrics_plot(run, read_metrics_log(run.metrics_jsonl()));
  return outcome;
}

RunOutcome run_replay(const RunDirectory& run, const RoleLayout& layout, replay::ReplayService& replay) {
  MpiReplayTransport transport;
  replay::ReplayServer server(replay, transport);
  const int clients = layout.actors() + layout.learners();
  int done = 0;
  auto last_report = std::chrono::steady_clock::now();
  while (done < clients) {
    // Closed, the server answers every waiting and later request "closed".
    if (message_waiting(0, kStop)) {
      receive_int(0, kStop);
      replay.close();
    }
    if (stop_requested()) replay.close();
    bool worked = server.step();
    while (message_waiting(MPI_ANY_SOURCE, kDone)) {
      receive_json(MPI_ANY_SOURCE, kDone);
      ++done;
      worked = true;
    }
    if (std::chrono::steady_clock::now() - last_report > std::chrono::milliseconds(500)) {
      nlohmann::json report = replay.metrics();
      report["role"] = "replay";
      send_json(report, 0, kReport);
      last_report = std::chrono::steady_clock::now();
    }
    if (!worked) idle();
  }
  replay.close();
  replay.dump(run.replay_h5());
  nlohmann::json final_report = replay.metrics();
  final_report["role"] = "replay";
  send_json(final_report, 0, kReport);
  send_json({{"role", "replay"}}, 0, kDone);
  return {};
}

RunOutcome run_actor(const RunConfig& config, const RoleLayout& layout, int rank, std::int64_t initial_env_steps) {
  const int index = layout.actor_index(rank);
  const env::Task task = env::Task::load(resolve_task(config.task));
  actors::ActorWorkerOptions options = actor_options(config, index);
  options.initial_env_steps = initial_env_steps;  // this actor's share of a resumed run
  actors::ActorWorker actor(task, config.model.model, options);
  const std::int64_t budget = config.total_env_steps / layout.actors();
  const int learner0 = layout.learner_rank(0);
  bool signalled = false;
  auto last_report = std::chrono::steady_clock::now();
  const WallBudget wall_budget(config.max_seconds);
  while (actor.env_steps() < budget && !wall_budget.spent()) {
    if (message_waiting(0, kStop)) break;
    if (stop_requested()) {
      signalled = true;
      break;
    }
    // Keep only the newest weights that arrived.
    std::vector<std::uint8_t> weights;
    while (message_waiting(learner0, kWeights)) weights = receive_bytes(learner0, kWeights);
    if (weights.size() > sizeof(std::int64_t)) actor.load_flat_weights(weights);
    send_bytes(actor.collect_chunk().encode(), layout.replay_rank(), kChunk);
    if (replay::decode_chunk_ack(receive_bytes(layout.replay_rank(), kChunkAck)) == replay::ReplyStatus::kClosed) break;
    if (std::chrono::steady_clock::now() - last_report > std::chrono::milliseconds(500)) {
      nlohmann::json report = actor.take_report();
      report["role"] = "actor";
      send_json(report, 0, kReport);
      last_report = std::chrono::steady_clock::now();
    }
  }
  nlohmann::json final_report = actor.take_report();
  final_report["role"] = "actor";
  final_report["stopped_by_signal"] = signalled;
  send_json(final_report, layout.replay_rank(), kDone);
  send_json(final_report, 0, kDone);
  // Learner 0 ends its weight stream with an 8-byte marker; take everything
  // up to it so that its sends complete.
  for (;;) {
    if (receive_bytes(learner0, kWeights).size() == sizeof(std::int64_t)) break;
  }
  return {actor.env_steps(), 0, signalled};
}

// Learner 0's weight broadcast to the actors: non-blocking sends of one
// buffer; a new version goes out only when the previous one was taken.
class WeightSender {
 public:
  explicit WeightSender(const RoleLayout& layout) : layout_(layout) {}
  void offer(const std::vector<torch::Tensor>& weights, std::int64_t version) {
    if (!requests_.empty()) {
      int complete = 0;
      DREAMER_CHECK_MPI(
          MPI_Testall(static_cast<int>(requests_.size()), requests_.data(), &complete, MPI_STATUSES_IGNORE));
      if (!complete) return;
      requests_.clear();
    }
    buffer_ = actors::flatten_weights(weights, version);
    for (int actor = 0; actor < layout_.actors(); ++actor) {
      MPI_Request request;
      DREAMER_CHECK_MPI(MPI_Isend(buffer_.data(), static_cast<int>(buffer_.size()), MPI_BYTE, layout_.actor_rank(actor),
                                  kWeights, MPI_COMM_WORLD, &request));
      requests_.push_back(request);
    }
  }
  // Waits for the last sends, then tells every actor the stream has ended.
  void finish() {
    if (!requests_.empty())
      DREAMER_CHECK_MPI(MPI_Waitall(static_cast<int>(requests_.size()), requests_.data(), MPI_STATUSES_IGNORE));
    requests_.clear();
    const std::int64_t end_marker = -1;
    for (int actor = 0; actor < layout_.actors(); ++actor)
      send_bytes({reinterpret_cast<const std::uint8_t*>(&end_marker), sizeof end_marker}, layout_.actor_rank(actor),
                 kWeights);
  }

 private:
  const RoleLayout& layout_;
  std::vector<std::uint8_t> buffer_;
  std::vector<MPI_Request> requests_;
};

RunOutcome run_learner(const RunConfig& config, const RunDirectory& run, const RoleLayout& layout, int rank,
                       MPI_Comm learners, learner::LearnerWorker& learner, const RunInvocation& invocation) {
  const int index = layout.learner_index(rank);
  replay::SampleBatch batch(config.replay.batch_size, config.replay.seq_len);
  std::vector<std::uint8_t> answer;  // reused from sample to sample
  std::optional<WeightSender> weights;
  UpdateCadence::Sinks sinks;
  if (index == 0) {
    weights.emplace(layout);
    weights->offer(learner.player_weights(), learner.updates());
    sinks.weights = [&](const std::vector<torch::Tensor>& w, std::int64_t version) { weights->offer(w, version); };
    sinks.report = [](nlohmann::json report) {
      report["role"] = "learner";
      send_json(report, 0, kReport);
      return report;
    };
    sinks.evaluation = [](nlohmann::json record) {
      record["role"] = "evaluation";
      send_json(record, 0, kReport);
    };
  }
  UpdateCadence cadence(config, run, invocation, learner, index, layout.learners(), std::move(sinks));
  bool signalled = false;
  bool stopped = false;
  for (;;) {
    if (!stopped && message_waiting(0, kStop)) {
      receive_int(0, kStop);
      stopped = true;
    }
    if (stop_requested()) signalled = stopped = true;
    if (cadence.reached_target()) stopped = true;  // the lead's evaluations; the all-reduce tells the rest
    std::int32_t stop = stopped ? 1 : 0;
    if (!stop) {
      send_bytes(replay::encode_sample_ask(), layout.replay_rank(), kSampleAsk);
      if (replay::decode_sample(receive_bytes(answer, layout.replay_rank(), kSample), batch) ==
          replay::ReplyStatus::kClosed) {
        stop = 1;
        stopped = true;
      }
    }
    // Learners update in lockstep (their gradients are averaged): all go on or all stop.
    DREAMER_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, &stop, 1, MPI_INT32_T, MPI_MAX, learners));
    if (stop) break;
    cadence.update(batch);
  }
  cadence.finish(signalled, batch);
  if (weights) weights->finish();
  const nlohmann::json final_report = {{"role", "learner"},
                                       {"opt_steps", learner.updates()},
                                       {"stopped_by_signal", signalled},
                                       {"reached_target", cadence.reached_target()}};
  send_json(final_report, layout.replay_rank(), kDone);
  send_json(final_report, 0, kDone);
  return {0, learner.updates(), signalled, cadence.reached_target()};
}

}  // namespace

RunOutcome run_mpi_roles(const RunConfig& config, const RunDirectory& run, const RoleLayout& layout, int rank,
                         const RunInvocation& invocation) {
  if (invocation.copy_audit.updates > 0)
    throw Error("--copy-audit traces a one-process run (mpirun -np 1 or no mpirun), not " +
                std::to_string(layout.world_size()) + " ranks");
  const bool resume = invocation.resume;
  MPI_Comm learners = split_learners(layout, rank);
  std::unique_ptr<learner::LearnerWorker> learner;
  std::unique_ptr<replay::ReplayService> replay;
  std::int64_t env_steps_before = 0;
  if (layout.learner_index(rank) >= 0) {
    // Every learner starts from the same weights (their gradients are averaged).
    torch::manual_seed(config.seed);
    const torch::Device device(learner_device(config, layout.learner_index(rank)));
    auto reducer = layout.learners() > 1 ? learner::make_gradient_all_reducer(learners, device) : nullptr;
    learner = std::make_unique<learner::LearnerWorker>(config.model, device, std::move(reducer), learners);
    if (resume) resume_learner(*learner, run, layout.learner_index(rank) == 0);
  }
  if (rank == layout.replay_rank()) {
    replay = std::make_unique<replay::ReplayService>(config.replay);
    if (resume && std::filesystem::exists(run.replay_h5())) replay->load(run.replay_h5());
    env_steps_before = replay->metrics().inserts;
  }
  // Every rank learns where a resumed run stands: the env steps the replay holds.
  DREAMER_CHECK_MPI(MPI_Bcast(&env_steps_before, 1, MPI_INT64_T, layout.replay_rank(), MPI_COMM_WORLD));
  // Each actor resumes from an even share; the gate counts from their sum.
  const std::int64_t actor_env_steps_before = env_steps_before / layout.actors();

  RunOutcome outcome;
  switch (layout.roles_of(rank).front()) {
    case Role::kGate:
      outcome = run_gate(config, run, layout, actor_env_steps_before * layout.actors());
      break;
    case Role::kReplay:
      outcome = run_replay(run, layout, *replay);
      break;
    case Role::kActor:
      outcome = run_actor(config, layout, rank, actor_env_steps_before);
      break;
    case Role::kLearner:
      outcome = run_learner(config, run, layout, rank, learners, *learner, invocation);
      break;
  }
  learner.reset();
  replay.reset();
  if (learners != MPI_COMM_NULL) MPI_Comm_free(&learners);
  DREAMER_CHECK_MPI(MPI_Barrier(MPI_COMM_WORLD));
  return outcome;
}

}  // namespace dreamer
