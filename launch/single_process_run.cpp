// The one-process driver (training_run.hpp): every role in this process,
// linked and scheduled by launch/in_process_roles.hpp.
#include <torch/torch.h>

#include <cstdio>
#include <memory>

#include "actors/actor_worker.hpp"
#include "common/file_io.hpp"
#include "common/run/metrics_log.hpp"
#include "gates/metrics_aggregator.hpp"
#include "launch/in_process_roles.hpp"
#include "launch/progress_line.hpp"
#include "launch/run_artifacts.hpp"
#include "launch/run_setup.hpp"
#include "launch/training_run.hpp"
#include "launch/update_cadence.hpp"
#include "launch/wall_budget.hpp"
#include "learner/learner_worker.hpp"

namespace dreamer {

RunOutcome run_single_process(const RunConfig& config, const RunDirectory& run, const RunInvocation& invocation) {
  const env::Task task = env::Task::load(resolve_task(config.task));
  torch::manual_seed(config.seed);  // the learner's initial weights and every sample after them
  // One intra-op thread on CPU: multi-threaded CPU kernels may split their
  // reductions differently from run to run, and this mode promises
  // bit-identical reruns.
  const bool deterministic = config.device == Device::kCpu;
  if (deterministic) torch::set_num_threads(1);
  const torch::Device device(learner_device(config, 0));
  learner::LearnerWorker learner(config.model, device, nullptr, MPI_COMM_NULL);
  const std::unique_ptr<InProcessReplay> replay = make_in_process_replay(config, device);
  gates::MetricsAggregator gate(run.metrics_jsonl());
  const std::filesystem::path replay_dump = run.replay_h5();

  actors::ActorWorkerOptions options = actor_options(config, 0);
  options.cuda_device = device.is_cuda() ? device.index() : 0;  // one process: actor and learner share the GPU
  if (invocation.resume) {
    resume_learner(learner, run, true);
    if (std::filesystem::exists(replay_dump)) replay->load(replay_dump);
    options.initial_env_steps = replay->metrics().inserts;  // where the run stands: the env steps replay holds
  }
  actors::ActorWorker actor(task, config.model.model, options);
  WeightHandoff weights(actor.player_device());
  ReportHandoff reports;
  UpdateCadence::Sinks sinks;
  sinks.weights = [&](const std::vector<torch::Tensor>& w, std::int64_t version) { weights.post(w, version); };
  sinks.report = [&](const nlohmann::json& report) {
    // Serial: the actor's tallies since the last record; overlapped: the
    // reports its thread posted meanwhile.
    if (deterministic) gate.on_actor_report(actor.take_report());
    for (const nlohmann::json& actor_report : reports.take()) gate.on_actor_report(actor_report);
    gate.on_replay_report(replay->metrics());
    const nlohmann::json& record = gate.on_learner_report(report);
    std::printf("%s\n", progress_line(record, config.total_env_steps).c_str());
    std::fflush(stdout);
    return record;
  };
  sinks.evaluation = [&](const nlohmann::json& evaluation) {
    if (deterministic) gate.on_actor_report(actor.take_report());  // env steps as of now
    std::printf("%s\n", periodic_evaluation_line(gate.on_evaluation_record(evaluation)).c_str());
    std::fflush(stdout);
  };
  gate.resume_at(options.initial_env_steps);
  UpdateCadence cadence(config, run, invocation, learner, -1, 1, std::move(sinks));
  weights.post(learner.player_weights(), learner.updates());

  const WallBudget wall_budget(config.max_seconds);
  InProcessRoles roles{config, actor, *replay, cadence, weights, reports, wall_budget};
  RunOutcome outcome = deterministic ? run_serial(roles) : run_overlapped(roles);
  outcome.env_steps = actor.env_steps();
  outcome.opt_steps = learner.updates();
  cadence.finish(outcome.stopped_by_signal, replay->batch(), replay->observations());
  replay->dump(replay_dump);
  gate.sync();
  write_run_metrics_plot(run, read_metrics_log(run.metrics_jsonl()));
  return outcome;
}

}  // namespace dreamer
