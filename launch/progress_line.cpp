#include "launch/progress_line.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

namespace dreamer {

std::string progress_line(const nlohmann::json& record, std::int64_t total_env_steps) {
  const auto number = [&](const char* key) {
    const auto it = record.find(key);
    return it != record.end() && it->is_number() ? it->get<double>() : 0.0;
  };
  const double env_steps = number("env_steps");
  // The run's average rate: a record's own window can hold no env step at
  // all (the one-process loop trains between ticks), which printed "0 sps"
  // and a zero ETA.
  const double wall = number("wall_s");
  const double sps = wall > 0.0 ? env_steps / wall : number("sps");
  const double fraction = total_env_steps > 0 ? std::min(1.0, env_steps / static_cast<double>(total_env_steps)) : 0.0;
  const long eta = sps > 0.0 ? static_cast<long>((static_cast<double>(total_env_steps) - env_steps) / sps) : 0;
  // Episodes ended in the window; without any there is no rate to show.
  char episodes[64] = "ep 0";
  if (number("episodes") > 0)
    std::snprintf(episodes, sizeof episodes, "ep %.0f success %.2f", number("episodes"), number("success_rate"));
  char line[320];
  std::snprintf(line, sizeof line,
                "[%3.0f%%] env %.0f/%lld | %.0f sps | upd %.0f | train ratio %.3g (%.3g upd/env step) | %s | "
                "loss_model %.4g obs_nll %.4g kl %.3g | ETA %02ld:%02ld:%02ld",
                100.0 * fraction, env_steps, static_cast<long long>(total_env_steps), sps, number("opt_steps"),
                number("replay_ratio"), number("updates_per_env_step"), episodes, number("loss_model"),
                number("obs_nll"), number("kl_total"), std::max(0L, eta) / 3600, std::max(0L, eta) / 60 % 60,
                std::max(0L, eta) % 60);
  return line;
}

std::string learning_settings_line(const RunConfig& config, int eval_episodes) {
  const auto& train = config.model.train;
  const double replayed_per_update = static_cast<double>(train.batch_size) * train.seq_len;
  // The three switches act on a CUDA learner only: a CPU run reads "off".
  const bool cuda = config.device == Device::kCuda;
  const auto on_off = [cuda](bool on) { return cuda && on ? "on" : "off"; };
  const std::string wall = config.max_seconds > 0.0
                               ? "wall time at most " + std::to_string(std::lround(config.max_seconds)) + " s"
                               : std::string("no wall-time limit");
  char line[1024];
  std::snprintf(
      line, sizeof line,
      "dreamer_learner: device %s, env backend %s, preset %s, %d actor(s) x %d envs, %d learner(s), batch %d "
      "x %d, train ratio %g (replayed steps per env step; %.3g updates per env step), learning rates %g (model) %g "
      "(actor) %g (critic), actor entropy %g, fused Adam %s, CUDA graphs %s, bf16 %s, stage %s, %lld env steps, %s, "
      "greedy evaluation of %d episodes at the end",
      device_name(config.device), device_name(config.env_backend), config.preset.c_str(), config.actors,
      config.envs_per_actor, config.learners, train.batch_size, train.seq_len, config.replay.train_ratio,
      config.replay.train_ratio / replayed_per_update, train.model_lr, train.actor_lr, train.critic_lr,
      train.actor_entropy, on_off(train.fused_adam), on_off(train.cuda_graphs), on_off(train.autocast_bf16),
      config.task.rom.empty() ? config.task.stage.c_str() : config.task.rom.c_str(),
      static_cast<long long>(config.total_env_steps), wall.c_str(), eval_episodes);
  return line;
}

std::string evaluation_line(const nlohmann::ordered_json& summary) {
  const double rate = summary.value("success_rate", 0.0);
  const long long episodes = summary.value("episodes", 0LL);
  const long long successes = std::llround(rate * static_cast<double>(episodes));
  const auto& steps = summary["steps_to_goal_p50"];
  char to_goal[48] = "no success";
  if (steps.is_number()) std::snprintf(to_goal, sizeof to_goal, "steps to goal p50 %.0f", steps.get<double>());
  char line[256];
  std::snprintf(line, sizeof line,
                "dreamer_learner: greedy evaluation: success %.2f (%lld of %lld episodes), %s, dist p50 %.3g", rate,
                successes, episodes, to_goal, summary.value("dist_p50", 0.0));
  return line;
}

}  // namespace dreamer
