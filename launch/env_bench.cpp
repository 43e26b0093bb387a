#include "launch/env_bench.hpp"

#include <algorithm>
#include <cstddef>
#include <memory>
#include <random>

#include "actors/env/action_codec.hpp"
#include "actors/env/batched_env.hpp"
#include "actors/env/button_script.hpp"
#include "actors/env/task.hpp"
#include "common/error.hpp"
#include "launch/bench_clock.hpp"
#include "launch/run_setup.hpp"
#if defined(DREAMER_HAS_CUDA)
#include <cuda_runtime_api.h>

#include "common/cuda_check.hpp"
#endif

namespace dreamer {
namespace {

constexpr int kWarpLanes = 32;

// Actions [step][env] for `steps` steps of `envs` consoles (see the header).
std::vector<std::uint8_t> policy_actions(const EnvBenchArgs& args, const std::vector<std::uint8_t>& script, int envs,
                                         int steps) {
  std::vector<std::uint8_t> actions(static_cast<std::size_t>(envs) * static_cast<std::size_t>(steps));
  std::mt19937 random(args.seed);
  for (int step = 0; step < steps; ++step) {
    for (int env = 0; env < envs; ++env) {
      const std::size_t at = static_cast<std::size_t>(step) * envs + env;
      actions[at] = script.empty() ? static_cast<std::uint8_t>(random() % env::kActionCount)
                                   : script[static_cast<std::size_t>(step + env) % script.size()];
    }
  }
  return actions;
}

// Where the environment reads actions and writes outputs: host buffers on
// the CPU backend; device copies on CUDA, where every input and output lives
// on the device.
class BenchBuffers {
 public:
  BenchBuffers(bool cuda, int envs, const std::vector<std::uint8_t>& actions) : host_(envs) {
    out_ = host_.view();
    actions_ = actions.data();
#if defined(DREAMER_HAS_CUDA)
    if (!cuda) return;
    auto* device_actions = static_cast<std::uint8_t*>(allocate(actions.size()));
    DREAMER_CHECK_CUDA(cudaMemcpy(device_actions, actions.data(), actions.size(), cudaMemcpyHostToDevice));
    actions_ = device_actions;
    out_.observation = static_cast<std::uint8_t*>(allocate(host_.observation.size()));
    out_.reward = static_cast<float*>(allocate(envs * sizeof(float)));
    out_.dist = static_cast<float*>(allocate(envs * sizeof(float)));
    out_.terminated = static_cast<std::uint8_t*>(allocate(envs));
    out_.truncated = static_cast<std::uint8_t*>(allocate(envs));
    out_.is_first = static_cast<std::uint8_t*>(allocate(envs));
    out_.episode_id = static_cast<std::int64_t*>(allocate(envs * sizeof(std::int64_t)));
#else
    (void)cuda;
#endif
  }
  ~BenchBuffers() {
#if defined(DREAMER_HAS_CUDA)
    for (void* pointer : device_) cudaFree(pointer);
#endif
  }
  BenchBuffers(const BenchBuffers&) = delete;
  BenchBuffers& operator=(const BenchBuffers&) = delete;

  const env::EnvBatchOutputs& out() const { return out_; }
  const std::uint8_t* actions(int step, int envs) const { return actions_ + static_cast<std::size_t>(step) * envs; }

 private:
#if defined(DREAMER_HAS_CUDA)
  void* allocate(std::size_t bytes) {
    void* pointer = nullptr;
    DREAMER_CHECK_CUDA(cudaMalloc(&pointer, bytes));
    device_.push_back(pointer);
    return pointer;
  }
  std::vector<void*> device_;
#endif
  env::HostBatch host_;
  env::EnvBatchOutputs out_;
  const std::uint8_t* actions_ = nullptr;
};

// Sums of the counters' differences over all consoles.
struct CounterDelta {
  double instructions = 0, cycles = 0, halt_cycles = 0;
};

CounterDelta delta(const std::vector<gb::Counters>& before, const std::vector<gb::Counters>& after) {
  CounterDelta sum;
  for (std::size_t i = 0; i < before.size(); ++i) {
    sum.instructions += static_cast<double>(after[i].instructions - before[i].instructions);
    sum.cycles += static_cast<double>(after[i].cycles - before[i].cycles);
    sum.halt_cycles += static_cast<double>(after[i].halt_skipped - before[i].halt_skipped);
  }
  return sum;
}

// warp_spread over `steps` further steps (see the header): per step, each
// group of 32 consecutive consoles' max and mean instructions.
nlohmann::json warp_spread(env::BatchedEnv& environment, const BenchBuffers& buffers, int first_step, int steps) {
  const int envs = environment.num_envs();
  double ratio_sum = 0.0, instructions = 0.0, lane_slots = 0.0;
  int samples = 0;
  std::vector<gb::Counters> before = environment.counters();
  for (int step = first_step; step < first_step + steps; ++step) {
    environment.step(buffers.actions(step, envs), buffers.out());
    const std::vector<gb::Counters> after = environment.counters();  // synchronizes
    for (int warp = 0; warp < envs; warp += kWarpLanes) {
      const int lanes = std::min(kWarpLanes, envs - warp);
      double sum = 0.0, most = 0.0;
      for (int lane = warp; lane < warp + lanes; ++lane) {
        const double count = static_cast<double>(after[lane].instructions - before[lane].instructions);
        sum += count;
        most = std::max(most, count);
      }
      if (most <= 0.0) continue;  // every lane idle (all halted through the step)
      ratio_sum += most / (sum / lanes);
      instructions += sum;
      lane_slots += most * kWarpLanes;
      ++samples;
    }
    before = after;
  }
  return {{"lanes", kWarpLanes},
          {"steps", steps},
          {"max_over_mean", samples > 0 ? nlohmann::json(ratio_sum / samples) : nlohmann::json(nullptr)},
          {"lane_efficiency", lane_slots > 0.0 ? nlohmann::json(instructions / lane_slots) : nlohmann::json(nullptr)}};
}

}  // namespace

env::TaskSpec bench_task_spec(const std::string& rom, const std::string& state) {
  env::TaskSpec spec;
  if (rom.find(".gb") != std::string::npos) {
    spec.rom = rom;
  } else {
    TaskConfig task_config;
    task_config.stage = rom;
    spec = resolve_task(task_config);
  }
  if (!state.empty()) spec.start_state = state;
  return spec;
}

nlohmann::json bench_env(const EnvBenchArgs& args) {
  if (args.steps < 1) throw Error("dreamer_bench env: --steps must be >= 1");
  if (args.spread_steps < 0) throw Error("dreamer_bench env: --spread-steps must be >= 0");
  const env::TaskSpec spec = bench_task_spec(args.rom, args.state);
  const env::Task task = env::Task::load(spec);
  const std::vector<std::uint8_t> script =
      args.script.empty() ? std::vector<std::uint8_t>{} : env::load_button_script(args.script);
  const bool cuda = args.backend == Device::kCuda;
  const int frames_per_step = task.schedule().frames_per_step;
  nlohmann::json result = {
      {"mode", "env"},
      {"backend", device_name(args.backend)},
      {"rom", spec.rom.filename().string()},
      {"state", spec.start_state.empty() ? nlohmann::json(nullptr) : nlohmann::json(spec.start_state.string())},
      {"policy", args.script.empty() ? std::string("random") : args.script},
      {"seed", args.seed},
      {"frames_per_step", frames_per_step},
      {"runs", nlohmann::json::array()}};
  for (const int envs : args.envs) {
    auto environment =
        env::make_batched_env(task, {cuda ? env::Backend::kCuda : env::Backend::kCpu, envs, args.threads, 0});
    // Step 0 warms up, steps 1..steps are timed, the rest measure the spread.
    const std::vector<std::uint8_t> actions = policy_actions(args, script, envs, 1 + args.steps + args.spread_steps);
    const BenchBuffers buffers(cuda, envs, actions);
    environment->reset(nullptr, buffers.out());
    environment->step(buffers.actions(0, envs), buffers.out());
    const std::vector<gb::Counters> before = environment->counters();  // synchronizes
    const auto start = BenchClock::now();
    for (int step = 1; step <= args.steps; ++step) environment->step(buffers.actions(step, envs), buffers.out());
    environment->synchronize();
    const double seconds = seconds_since(start);
    const CounterDelta work = delta(before, environment->counters());
    const double steps_per_second = static_cast<double>(envs) * args.steps / seconds;
    const double frames = static_cast<double>(envs) * args.steps * frames_per_step;
    nlohmann::json run = {{"envs", envs},
                          {"steps", args.steps},
                          {"seconds", seconds},
                          {"env_steps_per_s", steps_per_second},
                          {"frames_per_s", steps_per_second * frames_per_step},
                          {"frames_per_s_per_console", steps_per_second * frames_per_step / envs},
                          {"instructions_per_s", work.instructions / seconds},
                          {"instructions_per_frame", work.instructions / frames},
                          {"halt_share", work.cycles > 0.0 ? work.halt_cycles / work.cycles : 0.0},
                          {"bytes_per_env", sizeof(gb::Console) + sizeof(env::EpisodeState)},
                          {"warp_spread", nullptr}};
    if (args.spread_steps > 0)
      run["warp_spread"] = warp_spread(*environment, buffers, 1 + args.steps, args.spread_steps);
    result["runs"].push_back(std::move(run));
  }
  return result;
}

}  // namespace dreamer
