// dreamer_bench: speed figures as one JSON object on stdout.
//
//   dreamer_bench env     [--backend cpu|cuda] [--envs 1024,4096] [--steps N] [--rom R]
//                         [--state S] [--script F | --seed N] [--spread-steps N]
//                         env steps/s, frames/s (also per console), guest
//                         instructions/s, HALT share and the warp spread of
//                         the batched environment (launch/env_bench.hpp)
//   dreamer_bench learner [--device cpu|cuda] [--preset P] [--batch B --seq T] [--bf16]
//                         [--fused-adam] [--cuda-graphs] [--count-ops]
//                         ms per full update (world model + behaviour), its
//                         forward+backward phases, replay sample ms and
//                         end-to-end ms per update (sample + upload + update),
//                         player forward ms per env step; with --count-ops
//                         also the leaf ATen operator calls of one update
//                         (learner/op_counter.hpp), the proxy for its kernels
//   dreamer_bench replay-mpi  (under mpirun -np 2) packed2 insert throughput and
//                         sample latency p50/p99 between two ranks over MPI
//   dreamer_bench gb      [--rom R ...] [--state S] [--frames N] [--render none|obs|full] [--mgba]
//                         [--buttons none|random] [--seed S] [--frames-per-step 24]
//                         [--release-after 8]
//                         frames/s of the emulator core on one thread, beside
//                         mGBA with --mgba, and the ROM's CPU load under the
//                         buttons (launch/gb_bench.hpp)
//
// Every figure is a wall-clock mean over the timed iterations after warm-up.
#include <torch/torch.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <random>

#include "actors/env/batched_env.hpp"
#include "actors/env/task.hpp"
#include "common/error.hpp"
#include "common/mpi/mpi_session.hpp"
#include "common/packed2.hpp"
#include "common/percentile.hpp"
#include "common/run/run_meta.hpp"
#include "common/run/utc_time.hpp"
#include "launch/bench_clock.hpp"
#include "launch/command_line.hpp"
#include "launch/env_bench.hpp"
#include "launch/gb_bench.hpp"
#include "launch/role_messages.hpp"
#include "launch/run_setup.hpp"
#include "learner/dreamer_agent.hpp"
#include "learner/learner_worker.hpp"
#include "learner/op_counter.hpp"
#include "learner/packed2_unpack.hpp"
#include "learner/player.hpp"
#include "learner/update_graphs.hpp"
#include "replay/benchmark_ring.hpp"
#include "replay/replay_service.hpp"
#if defined(DREAMER_HAS_CUDA)
#include <cuda_runtime_api.h>

#include "common/cuda_check.hpp"
#endif

namespace dreamer {
namespace {

using Clock = BenchClock;

struct LearnerBenchArgs {
  Device device = Device::kCpu;
  std::string preset = "tiny";
  int batch = 0;
  int seq = 0;
  int iterations = 5;
  bool bf16 = false;
  bool fused_adam = learner::TrainOptions{}.fused_adam;
  bool cuda_graphs = learner::TrainOptions{}.cuda_graphs;
  bool count_ops = false;
};

// Updates before timing: one, or with CUDA graphs the eager warm-up updates
// and the capturing update, so that every timed update replays the graphs.
int warmup_updates(const learner::DreamerOptions& options, const torch::Device& device) {
  return options.train.cuda_graphs && device.is_cuda() ? learner::kGraphWarmupUpdates + 1 : 1;
}

void wait_for(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize();
}

// Where an update's time goes: the gradient hook fires after each group's
// backward pass and before its optimizer step, so the times between hooks
// split the update into world model forward+backward, actor (imagination +
// its loss) forward+backward, critic forward+backward, and the rest
// (critic step, slow critic, metrics). Waits for the device at every hook,
// so these add up to a little more than update_ms.
nlohmann::json time_update_phases(learner::DreamerAgent& agent, const learner::TrainingBatch& batch, int iterations) {
  std::map<learner::ParameterGroup, double> ms;
  double rest_ms = 0.0;
  BenchClock::time_point last;
  agent.set_gradient_hook([&](learner::ParameterGroup group, std::vector<torch::Tensor>&) {
    wait_for(agent.device());
    const BenchClock::time_point now = BenchClock::now();
    ms[group] += std::chrono::duration<double, std::milli>(now - last).count();
    last = now;
  });
  for (int i = 0; i < iterations; ++i) {
    last = BenchClock::now();
    agent.update(batch).read();
    rest_ms += std::chrono::duration<double, std::milli>(BenchClock::now() - last).count();
  }
  agent.set_gradient_hook(nullptr);
  const auto mean = [&](double total) { return total / iterations; };
  return {{"world_model_forward_backward", mean(ms[learner::ParameterGroup::kModel])},
          {"actor_forward_backward", mean(ms[learner::ParameterGroup::kActor])},
          {"critic_forward_backward", mean(ms[learner::ParameterGroup::kCritic])},
          {"optimizer_steps_and_rest", mean(rest_ms)}};
}

// Leaf ATen operator calls of one update (learner/op_counter.hpp): the
// total, the most frequent operators, the split at the gradient hooks (as
// phases_ms; each optimizer step falls into the phase after its hook), and
// the calls of the three torch::optim::Adam steps, counted by stepping each
// optimizer once more on the update's gradients (fused Adam does a step in
// two operator calls: the step count, then the fused kernel). The agent's
// parameters move by that extra step, so this runs after every timing.
// Replayed CUDA graphs dispatch no operators: --count-ops excludes
// --cuda-graphs.
nlohmann::json count_update_ops(learner::DreamerAgent& agent, const learner::TrainingBatch& batch) {
  constexpr size_t kTopOperators = 15;
  constexpr int64_t kFusedAdamOpsPerStep = 2;
  std::map<learner::ParameterGroup, int64_t> at_hook;
  nlohmann::json result;
  learner::UpdateMetrics metrics;
  {
    const learner::OpCounter counter;
    agent.set_gradient_hook(
        [&](learner::ParameterGroup group, std::vector<torch::Tensor>&) { at_hook[group] = counter.total(); });
    metrics = agent.update(batch);
    wait_for(agent.device());
    agent.set_gradient_hook(nullptr);
    const int64_t total = counter.total();
    nlohmann::json top = nlohmann::json::array();
    for (const auto& [name, count] : counter.by_name(kTopOperators)) top.push_back({name, count});
    result["ops_per_update"] = total;
    result["ops_by_name"] = top;
    result["ops_by_phase"] = {
        {"world_model_forward_backward", at_hook[learner::ParameterGroup::kModel]},
        {"actor_forward_backward", at_hook[learner::ParameterGroup::kActor] - at_hook[learner::ParameterGroup::kModel]},
        {"critic_forward_backward",
         at_hook[learner::ParameterGroup::kCritic] - at_hook[learner::ParameterGroup::kActor]},
        {"optimizer_steps_and_rest", total - at_hook[learner::ParameterGroup::kCritic]}};
  }
  metrics.read();
  int64_t adam_ops = 0;
  for (const auto& [name, optimizer] : agent.named_optimizers()) {
    const learner::OpCounter counter;
    optimizer->step();
    wait_for(agent.device());
    adam_ops += counter.total();
  }
  result["adam_step_ops"] = adam_ops;
  result["ops_per_update_with_fused_adam"] =
      result["ops_per_update"].get<int64_t>() - adam_ops +
      kFusedAdamOpsPerStep * static_cast<int64_t>(agent.named_optimizers().size());
  return result;
}

// The learner's loop without the network: sample a batch from an in-process
// replay filled with random packed2 steps, move it to the device, update.
nlohmann::json time_end_to_end(const learner::DreamerOptions& options, const torch::Device& device, int iterations) {
  replay::ReplayOptions replay_options;
  replay_options.num_streams = 64;
  replay_options.writer_groups = 1;
  replay_options.seq_len = options.train.seq_len;
  replay_options.batch_size = options.train.batch_size;
  replay_options.commit_stride = std::max(1, options.train.seq_len / 2);
  replay_options.safety_margin = replay_options.commit_stride;
  replay_options.capacity = 8 * options.train.seq_len;
  replay_options.min_size_to_sample = replay_options.capacity * replay_options.num_streams / 2;
  replay_options.train_ratio = 1e9;  // the limiter never holds the sampler back here
  replay_options.error_buffer = 1e18;
  replay_options.validate();
  replay::ReplayService service(replay_options);
  ChunkHeader header;
  header.num_streams = replay_options.num_streams;
  header.steps = replay_options.commit_stride;
  TrajectoryChunk chunk(header);
  std::mt19937 random(5);
  for (int t = 0; t < header.steps; ++t)
    for (int e = 0; e < header.num_streams; ++e)
      for (int i = 0; i < packed2::kBytesPerFrame; ++i)
        chunk.observation(t, e)[i] = static_cast<std::uint8_t>(random());
  for (std::int64_t filled = 0; filled < replay_options.capacity; filled += header.steps) {
    service.insert(chunk.view(), std::chrono::seconds(10));
    ++header.chunk_index;
  }
  torch::manual_seed(1);
  learner::LearnerWorker worker(options, device, nullptr, MPI_COMM_NULL);
  replay::SampleBatch batch(replay_options.batch_size, replay_options.seq_len);
  service.sample(batch, std::chrono::seconds(10));
  for (int i = 0; i < warmup_updates(options, device); ++i) worker.update(batch).read();
  double sample_seconds = 0.0;
  const BenchClock::time_point start = BenchClock::now();
  learner::UpdateMetrics metrics;
  for (int i = 0; i < iterations; ++i) {
    const BenchClock::time_point sample_start = BenchClock::now();
    service.sample(batch, std::chrono::seconds(10));
    sample_seconds += seconds_since(sample_start);
    metrics = worker.update(batch);
  }
  metrics.read();
  return {{"replay_sample_ms", sample_seconds * 1000.0 / iterations},
          {"end_to_end_update_ms", seconds_since(start) * 1000.0 / iterations}};
}

nlohmann::json bench_learner(const LearnerBenchArgs& args) {
  learner::DreamerOptions options = learner::DreamerOptions::preset(args.preset);
  if (args.batch > 0) options.train.batch_size = args.batch;
  if (args.seq > 0) options.train.seq_len = args.seq;
  options.train.autocast_bf16 = args.bf16;
  options.train.fused_adam = args.fused_adam;
  // --count-ops counts the operators of an eager update: graphs off.
  options.train.cuda_graphs = args.cuda_graphs && !args.count_ops;
  const torch::Device device = args.device == Device::kCuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
  torch::manual_seed(1);
  learner::DreamerAgent agent(options, device);
  const int b = options.train.batch_size, t = options.train.seq_len;
  learner::TrainingBatch batch;
  batch.obs = torch::randint(0, 256, {b, t, 72, 20}, torch::kUInt8).to(device);
  batch.action = torch::randint(0, 8, {b, t}, torch::kInt64).to(device);
  batch.reward = torch::randn({b, t}).to(device);
  batch.is_first = torch::zeros({b, t}).to(device);
  batch.is_terminal = torch::zeros({b, t}).to(device);
  batch.is_truncated = torch::zeros({b, t}).to(device);
  for (int i = 0; i < warmup_updates(options, device); ++i) agent.update(batch).read();  // warm-up (and host reads)
  const auto start = Clock::now();
  learner::UpdateMetrics metrics;
  for (int i = 0; i < args.iterations; ++i) metrics = agent.update(batch);
  metrics.read();  // waits for the device
  const double update_ms = seconds_since(start) * 1000.0 / args.iterations;

  // The unpack of one batch's packed2 frames into the model's image
  // (gpu-main holds it under a ceiling).
  learner::packed2_to_image(batch.obs);
  wait_for(device);
  const auto unpack_start = Clock::now();
  for (int i = 0; i < args.iterations; ++i) learner::packed2_to_image(batch.obs);
  wait_for(device);
  const double unpack_ms = seconds_since(unpack_start) * 1000.0 / args.iterations;

  const nlohmann::json phases = time_update_phases(agent, batch, args.iterations);
  const nlohmann::json end_to_end = time_end_to_end(options, device, args.iterations);

  learner::Player player(options.model, b, device, /*seed=*/1);
  player.load_weights(agent.player_weights(), 0);
  const torch::Tensor obs = batch.obs.select(1, 0).contiguous();
  const torch::Tensor is_first = torch::zeros({b}, torch::kUInt8).to(device);
  player.act(obs, is_first, false).cpu();
  const auto act_start = Clock::now();
  for (int i = 0; i < args.iterations; ++i) player.act(obs, is_first, false);
  player.act(obs, is_first, false).cpu();
  const double act_ms = seconds_since(act_start) * 1000.0 / (args.iterations + 1);
  // Last: its extra optimizer steps move the weights and the Adam state.
  const nlohmann::json op_counts = args.count_ops ? count_update_ops(agent, batch) : nlohmann::json();
  nlohmann::json result = {{"mode", "learner"},
                           {"device", device_name(args.device)},
                           {"preset", args.preset},
                           {"batch", b},
                           {"seq_len", t},
                           {"bf16", args.bf16},
                           {"fused_adam", options.train.fused_adam},
                           {"cuda_graphs", options.train.cuda_graphs},
                           {"update_ms", update_ms},
                           {"train_steps_per_s", 1000.0 / update_ms * b * t},
                           {"player_act_ms", act_ms},
                           {"packed2_unpack_ms", unpack_ms},
                           {"phases_ms", phases},
                           {"replay_sample_ms", end_to_end["replay_sample_ms"]},
                           {"end_to_end_update_ms", end_to_end["end_to_end_update_ms"]},
                           {"torch_threads", torch::get_num_threads()}};
  if (args.count_ops) result.update(op_counts);
  return result;
}

nlohmann::json bench_replay_mpi(int chunks, int samples) {
  MpiSession mpi(2);
  replay::ReplayOptions options = replay::benchmark_ring_options();
  options.train_ratio = 1e9;  // the limiter never holds either side back here
  options.error_buffer = 1e18;
  options.validate();
  ChunkHeader header;
  header.num_streams = options.num_streams;
  header.steps = options.commit_stride;
  replay::SampleBatch batch(options.batch_size, options.seq_len);
  std::vector<std::uint8_t> reply(4 + batch.size_bytes());
  nlohmann::json result = {{"mode", "replay-mpi"}};
  if (mpi.world_rank() == 0) {  // replay server
    replay::ReplayService service(options);
    const auto start = Clock::now();
    std::size_t payload = 0;
    std::vector<std::uint8_t> buffer;  // reused, as by the replay rank of a run
    for (int i = 0; i < chunks; ++i) {
      service.insert(TrajectoryChunkView::decode(receive_bytes(buffer, 1, kChunk)), std::chrono::seconds(10));
      payload += static_cast<std::size_t>(header.steps) * header.num_streams * 1440;
    }
    const double insert_seconds = seconds_since(start);
    for (int i = 0; i < samples; ++i) {
      receive_int(1, kSampleAsk);
      service.sample(batch, std::chrono::seconds(10));
      std::memcpy(reply.data() + 4, batch.data(), batch.size_bytes());
      send_bytes(reply, 1, kSample);
    }
    result["insert_packed2_bytes_per_s"] = static_cast<double>(payload) / insert_seconds;
    result["insert_env_steps_per_s"] = static_cast<double>(chunks) * header.steps * header.num_streams / insert_seconds;
    result["latencies_ms"] = receive_json(1, kReport);
    return result;
  }
  TrajectoryChunk chunk(header);
  std::mt19937 random(3);
  for (int t = 0; t < header.steps; ++t)
    for (int s = 0; s < header.num_streams; ++s)
      for (int i = 0; i < 1440; ++i) chunk.observation(t, s)[i] = static_cast<std::uint8_t>(random());
  for (int i = 0; i < chunks; ++i) send_bytes(chunk.encode(), 0, kChunk);
  std::vector<double> latencies;
  for (int i = 0; i < samples; ++i) {
    const auto start = Clock::now();
    send_int(0, 0, kSampleAsk);
    receive_bytes(reply, 0, kSample);
    latencies.push_back(seconds_since(start) * 1000.0);
  }
  send_json({{"sample_64x16_p50_ms", percentile(latencies, 0.5)}, {"sample_64x16_p99_ms", percentile(latencies, 0.99)}},
            0, kReport);
  return {};
}

}  // namespace
}  // namespace dreamer

namespace dreamer {
namespace {

// Where a figure was measured, so a frozen bench JSON names its hardware.
nlohmann::json bench_meta() {
  RuntimeVersions versions = collect_runtime_versions();
  versions.torch = TORCH_VERSION;
  const GitInfo git = read_git_info();
  return {{"host", host_name()},
          {"created_utc", utc_now_iso8601()},
          {"git_commit", git.commit},
          {"git_dirty", git.dirty},
          {"dreamer", versions.dreamer},
          {"torch", versions.torch},
          {"cuda_runtime", versions.cuda_runtime},
          {"cuda_driver", versions.cuda_driver},
          {"nccl", versions.nccl},
          {"gpu_names", versions.gpu_names}};
}

}  // namespace
}  // namespace dreamer

int main(int argc, char** argv) {
  CLI::App app{"Speed figures of the environment, learner and replay transport, as JSON."};
  app.require_subcommand(1);
  std::string jsonl;
  app.add_option("--jsonl", jsonl, "also append the result as one JSON line to this file (gates, baselines)");
  dreamer::EnvBenchArgs env_args;
  auto* env = app.add_subcommand("env", "batched environment env steps/s and frames/s");
  add_device_option(*env, "--backend", env_args.backend, "Where the consoles run");
  env->add_option("--envs", env_args.envs, "env counts")->delimiter(',')->check(CLI::Range(1, 1 << 20));
  env->add_option("--steps", env_args.steps, "timed steps per env count")->check(CLI::Range(1, 1000000));
  env->add_option("--threads", env_args.threads, "CPU worker threads (0: all cores)");
  env->add_option("--rom", env_args.rom, "stage id (exit_room, town_cross_to_shop, ...) or a .gb path");
  env->add_option("--state", env_args.state,
                  "start state instead of the stage's (a project snapshot or PyBoy .state; default: the stage's, or "
                  "power-on for a .gb)");
  env->add_option("--script", env_args.script,
                  "button script (as dreamer_stage reads): console e plays action (step + e) mod length; default: "
                  "random actions");
  env->add_option("--seed", env_args.seed, "seed of the random actions");
  env->add_option("--spread-steps", env_args.spread_steps,
                  "untimed steps after the timed ones that measure warp_spread (0: none)")
      ->check(CLI::Range(0, 100000));
  dreamer::LearnerBenchArgs learner_args;
  auto* learner = app.add_subcommand("learner", "ms per full update");
  add_device_option(*learner, "--device", learner_args.device, "Where the learner trains");
  learner->add_option("--preset", learner_args.preset);
  learner->add_option("--batch", learner_args.batch)->check(CLI::Range(1, 4096));
  learner->add_option("--seq", learner_args.seq)->check(CLI::Range(2, 4096));
  learner->add_option("--iterations", learner_args.iterations)->check(CLI::Range(1, 1000000));
  learner->add_flag("--bf16", learner_args.bf16, "bf16 autocast outside the RSSM (CUDA)");
  learner->add_flag("--fused-adam,!--no-fused-adam", learner_args.fused_adam,
                    "one fused Adam kernel per optimizer (CUDA; default: on)");
  auto* cuda_graphs = learner->add_flag("--cuda-graphs,!--no-cuda-graphs", learner_args.cuda_graphs,
                                        "replay the update as CUDA graphs (CUDA; default: on, off with --count-ops)");
  learner->add_flag("--count-ops", learner_args.count_ops,
                    "also count the leaf ATen operator calls of one eager update (ops_per_update)");
  int chunks = 200, samples = 200;
  auto* replay_mpi = app.add_subcommand("replay-mpi", "replay insert/sample over MPI (mpirun -np 2)");
  replay_mpi->add_option("--chunks", chunks)->check(CLI::Range(1, 1000000));
  replay_mpi->add_option("--samples", samples)->check(CLI::Range(1, 1000000));
  dreamer::GbBenchArgs gb_args;
  std::vector<std::string> gb_roms = {"exit_room"};
  auto* gb = app.add_subcommand("gb", "emulator core frames/s on one thread (and mGBA's with --mgba)");
  gb->add_option("--rom", gb_roms, "stage ids or .gb paths (repeatable)")->capture_default_str();
  gb->add_option("--frames", gb_args.frames, "frames per ROM from power-on or --state")->capture_default_str();
  gb->add_option("--state", gb_args.state, "start from this state (project snapshot or PyBoy .state; one --rom)");
  gb->add_option("--render", gb_args.render, "none, obs or full")->check(CLI::IsMember({"none", "obs", "full"}));
  gb->add_flag("--mgba", gb_args.mgba, "also time mGBA 0.10.1 forced to DMG (builds with libmgba)");
  gb->add_option("--buttons", gb_args.buttons, "none, or random: one seeded random action per step")
      ->check(CLI::IsMember({"none", "random"}))
      ->capture_default_str();
  gb->add_option("--seed", gb_args.seed, "seed of the random buttons")->capture_default_str();
  gb->add_option("--frames-per-step", gb_args.schedule.frames_per_step, "frames per step (the env's schedule)")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  gb->add_option("--release-after", gb_args.schedule.release_after_frames, "frames the step's button is held")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  if (const auto status = dreamer::parse_command_line(app, argc, argv, "dreamer_bench")) return *status;
  return dreamer::run_command("dreamer_bench", [&] {
    nlohmann::json result;
    if (env->parsed()) result = dreamer::bench_env(env_args);
    if (learner->parsed()) {
      // Replayed graphs dispatch no operators; --no-cuda-graphs is fine.
      if (learner_args.count_ops && cuda_graphs->count() > 0 && learner_args.cuda_graphs)
        throw dreamer::Error("--count-ops counts an eager update: it excludes --cuda-graphs");
      result = dreamer::bench_learner(learner_args);
    }
    if (replay_mpi->parsed()) result = dreamer::bench_replay_mpi(chunks, samples);
    if (gb->parsed()) {
      for (const std::string& rom : gb_roms) gb_args.roms.push_back(dreamer::bench_task_spec(rom, "").rom);
      result = dreamer::bench_gb(gb_args);
    }
    if (!result.empty()) result["meta"] = dreamer::bench_meta();
    if (!result.empty()) std::cout << result.dump(2) << std::endl;
    if (!result.empty() && !jsonl.empty()) {
      std::ofstream file(jsonl, std::ios::app);
      file << result.dump() << '\n';
      if (!file.flush()) throw dreamer::Error("cannot append to '" + jsonl + "'");
    }
    return 0;
  });
}
