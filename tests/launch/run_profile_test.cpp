// The defaults of a dreamer_learner run: every learning value the command
// line does not name comes from the profile of the chosen device, and a named
// flag always keeps the command line's value.
#include "launch/run_profile.hpp"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "gates/gate_definitions.hpp"

namespace dreamer {
namespace {

RunConfig profiled(const RunProfile& profile, const std::set<std::string>& named, RunConfig config = {}) {
  apply_profile(profile, named, config);
  config.derive_limiter_tolerance();
  config.derive_replay_layout();
  return config;
}

TEST(RunProfile, EachDeviceHasItsOwnProfile) {
  EXPECT_EQ(&profile_for(Device::kCuda), &gpu_profile());
  EXPECT_EQ(&profile_for(Device::kCpu), &cpu_profile());
  EXPECT_EQ(gpu_profile().name, "gpu");
  EXPECT_EQ(cpu_profile().name, "cpu");
}

TEST(RunProfile, AnEmptyCommandLineTakesEveryValueFromTheProfile) {
  for (const RunProfile* profile : {&cpu_profile(), &gpu_profile()}) {
    const RunConfig config = profiled(*profile, {});
    EXPECT_EQ(config.device, profile->device);
    EXPECT_EQ(config.env_backend, profile->env_backend);
    EXPECT_EQ(config.preset, profile->preset);
    EXPECT_EQ(config.task.stage, profile->stage);
    EXPECT_EQ(config.envs_per_actor, profile->envs_per_actor);
    EXPECT_EQ(config.model.train.batch_size, profile->batch_size);
    EXPECT_EQ(config.model.train.seq_len, profile->seq_len);
    EXPECT_EQ(config.replay.train_ratio, profile->train_ratio);
    EXPECT_EQ(config.replay.capacity, profile->replay_capacity);
    EXPECT_EQ(config.replay.min_size_to_sample, profile->min_replay);
    EXPECT_EQ(config.total_env_steps, profile->total_env_steps);
    EXPECT_EQ(config.max_seconds, profile->max_seconds);
    EXPECT_NO_THROW(config.validate()) << profile->name;
  }
}

TEST(RunProfile, TheGpuProfileTrainsTheExitRoomOnGpuConsolesUnderAWallTimeBudget) {
  const RunConfig config = profiled(gpu_profile(), {});
  EXPECT_EQ(config.device, Device::kCuda);
  EXPECT_EQ(config.env_backend, Device::kCuda);
  EXPECT_EQ(config.preset, "default");
  EXPECT_EQ(config.task.stage, "exit_room");
  EXPECT_GT(config.max_seconds, 0.0);
  EXPECT_TRUE(config.model.train.fused_adam);
  EXPECT_TRUE(config.model.train.cuda_graphs);
  EXPECT_EQ(gpu_profile().eval_episodes, 64);
}

TEST(RunProfile, TheCpuProfileEndsOnItsEnvStepBudgetAlone) {
  const RunConfig config = profiled(cpu_profile(), {});
  EXPECT_EQ(config.device, Device::kCpu);
  EXPECT_EQ(config.env_backend, Device::kCpu);
  EXPECT_EQ(config.max_seconds, 0.0);  // deterministic from run to run
  EXPECT_EQ(config.task.stage, "exit_room_turn");
  EXPECT_EQ(cpu_profile().eval_episodes, 16);
  // The tiny model's world model at 30x the preset's rate, its actor at 10x
  // the preset's entropy bonus, its KL at a fiftieth of the free bits
  // (run_profile.cpp).
  const learner::DreamerOptions tiny = learner::DreamerOptions::preset("tiny");
  EXPECT_EQ(config.model.train.model_lr, 3e-3);
  EXPECT_NE(config.model.train.model_lr, tiny.train.model_lr);
  EXPECT_EQ(config.model.train.actor_entropy, 3e-3);
  EXPECT_NE(config.model.train.actor_entropy, tiny.train.actor_entropy);
  EXPECT_EQ(config.model.train.kl_free_bits, 0.02);
  EXPECT_NE(config.model.train.kl_free_bits, tiny.train.kl_free_bits);
}

TEST(RunProfile, NamedFlagsKeepTheCommandLinesValues) {
  RunConfig line;
  line.env_backend = Device::kCpu;
  line.envs_per_actor = 3;
  line.total_env_steps = 77;
  line.max_seconds = 12.5;
  line.replay.train_ratio = 5;
  line.replay.capacity = 99;
  line.replay.min_size_to_sample = 11;
  line.task.stage = "exit_room_near";
  const RunConfig config = profiled(gpu_profile(),
                                    {"--env-backend", "--envs-per-actor", "--total-env-steps", "--max-seconds",
                                     "--train-ratio", "--replay-capacity", "--min-replay", "--stage"},
                                    line);
  EXPECT_EQ(config.device, Device::kCuda);
  EXPECT_EQ(config.env_backend, Device::kCpu);
  EXPECT_EQ(config.envs_per_actor, 3);
  EXPECT_EQ(config.total_env_steps, 77);
  EXPECT_EQ(config.max_seconds, 12.5);
  EXPECT_EQ(config.replay.train_ratio, 5);
  EXPECT_EQ(config.replay.capacity, 99);
  EXPECT_EQ(config.replay.min_size_to_sample, 11);
  EXPECT_EQ(config.task.stage, "exit_room_near");
}

TEST(RunProfile, ANamedPresetBringsItsOwnBatchSequenceLengthAndLearningRate) {
  RunConfig line;
  line.preset = "large";
  const RunConfig config = profiled(cpu_profile(), {"--preset"}, line);
  const learner::DreamerOptions large = learner::DreamerOptions::preset("large");
  EXPECT_EQ(config.preset, "large");
  EXPECT_EQ(config.model.model.deter, large.model.deter);
  EXPECT_EQ(config.model.train.batch_size, large.train.batch_size);
  EXPECT_EQ(config.model.train.seq_len, large.train.seq_len);
  EXPECT_EQ(config.model.train.model_lr, large.train.model_lr);
  EXPECT_EQ(config.model.train.actor_entropy, large.train.actor_entropy);
  EXPECT_EQ(config.model.train.kl_free_bits, large.train.kl_free_bits);
}

TEST(RunProfile, StandingStillRunsTheStaticScreenUnlessAStageIsNamed) {
  RunConfig line;
  line.mode = "standing_still";
  EXPECT_EQ(profiled(cpu_profile(), {}, line).task.stage, "static_screen");
  line.task.stage = "exit_room";
  EXPECT_EQ(profiled(cpu_profile(), {"--stage"}, line).task.stage, "exit_room");
}

TEST(RunProfile, TheStartLineSaysWhichProfileAndWhy) {
  EXPECT_EQ(profile_line(gpu_profile(), false),
            "dreamer_learner: defaults from the gpu profile (a CUDA device is present; --device cpu picks the cpu "
            "profile)");
  EXPECT_EQ(profile_line(cpu_profile(), false), "dreamer_learner: defaults from the cpu profile (no CUDA device)");
  EXPECT_EQ(profile_line(cpu_profile(), true), "dreamer_learner: defaults from the cpu profile (named by --device)");
}

// The value after `flag` in a gate step's command; nullopt when absent.
std::optional<std::string> flag_value(const std::vector<std::string>& command, const std::string& flag) {
  for (size_t i = 0; i + 1 < command.size(); ++i)
    if (command[i] == flag) return command[i + 1];
  return std::nullopt;
}

const gates::GateStep& goal_step(const char* gate) {
  const gates::GateDefinition* definition = gates::find_gate(gate);
  EXPECT_NE(definition, nullptr) << gate;
  for (const gates::GateStep& step : definition->steps)
    if (step.name == "goal-task") return step;
  ADD_FAILURE() << gate << " has no goal-task step";
  return definition->steps.front();
}

// The gates train what a user's default run trains: each goal-task step
// names its profile's values, so the gate fails when the defaults stop
// learning (and a change of either shows here).
void expect_gate_runs_profile(const char* gate, const RunProfile& profile, bool names_batch) {
  const std::vector<std::string>& command = goal_step(gate).command;
  const auto number = [&](const char* flag) {
    const auto value = flag_value(command, flag);
    EXPECT_TRUE(value.has_value()) << gate << " goal-task does not name " << flag;
    return value ? std::stod(*value) : -1.0;
  };
  EXPECT_EQ(flag_value(command, "--device"), std::string(device_name(profile.device))) << gate;
  EXPECT_EQ(flag_value(command, "--preset"), profile.preset) << gate;
  EXPECT_EQ(flag_value(command, "--stage").value_or("exit_room"), profile.stage) << gate;
  EXPECT_EQ(number("--envs-per-actor"), profile.envs_per_actor) << gate;
  EXPECT_EQ(number("--train-ratio"), profile.train_ratio) << gate;
  EXPECT_EQ(number("--min-replay"), profile.min_replay) << gate;
  EXPECT_EQ(number("--total-env-steps"), static_cast<double>(profile.total_env_steps)) << gate;
  EXPECT_EQ(flag_value(command, "--max-seconds").value_or("0") == "0" ? 0.0 : number("--max-seconds"),
            profile.max_seconds)
      << gate;
  const learner::TrainOptions preset_train = learner::DreamerOptions::preset(profile.preset).train;
  const auto named_or = [&](const char* flag, double preset_value) {
    return flag_value(command, flag) ? number(flag) : preset_value;
  };
  EXPECT_EQ(named_or("--model-lr", preset_train.model_lr),
            profile.model_lr > 0.0 ? profile.model_lr : preset_train.model_lr)
      << gate;
  EXPECT_EQ(named_or("--actor-entropy", preset_train.actor_entropy),
            profile.actor_entropy > 0.0 ? profile.actor_entropy : preset_train.actor_entropy)
      << gate;
  EXPECT_EQ(named_or("--kl-free-bits", preset_train.kl_free_bits),
            profile.kl_free_bits > 0.0 ? profile.kl_free_bits : preset_train.kl_free_bits)
      << gate;
  if (names_batch) {
    EXPECT_EQ(number("--batch-size"), profile.batch_size) << gate;
    EXPECT_EQ(number("--seq-len"), profile.seq_len) << gate;
  } else {
    const learner::DreamerOptions preset = learner::DreamerOptions::preset(profile.preset);
    EXPECT_EQ(preset.train.batch_size, profile.batch_size) << gate;
    EXPECT_EQ(preset.train.seq_len, profile.seq_len) << gate;
  }
}

TEST(RunProfile, TheCpuDailyGoalTaskTrainsTheCpuProfile) { expect_gate_runs_profile("cpu-daily", cpu_profile(), true); }

TEST(RunProfile, TheGpuMainGoalTaskTrainsTheGpuProfile) {
  expect_gate_runs_profile("gpu-main", gpu_profile(), false);
  EXPECT_EQ(std::stod(flag_value(goal_step("gpu-main").command, "--replay-capacity").value_or("-1")),
            gpu_profile().replay_capacity);
}

}  // namespace
}  // namespace dreamer
