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

std::string learning_settings_line(const RunConfig& config, const EvaluationPlan& evaluation) {
  const auto& train = config.model.train;
  const double replayed_per_update = static_cast<double>(train.batch_size) * train.seq_len;
  // The three switches act on a CUDA learner only: a CPU run reads "off".
  const bool cuda = config.device == Device::kCuda;
  const auto on_off = [cuda](bool on) { return cuda && on ? "on" : "off"; };
  const std::string wall = config.max_seconds > 0.0
                               ? "wall time at most " + std::to_string(std::lround(config.max_seconds)) + " s"
                               : std::string("no wall-time limit");
  std::string evaluations = "greedy evaluation";
  if (evaluation.every_updates > 0)
    evaluations += "s of " + std::to_string(evaluation.episodes) + " episodes every " +
                   std::to_string(evaluation.every_updates) + " updates and at the end";
  else
    evaluations += " of " + std::to_string(evaluation.episodes) + " episodes at the end";
  if (evaluation.every_updates > 0 && evaluation.stop_at_success > 0.0) {
    char stop[96];
    std::snprintf(stop, sizeof stop, ", early stop at success %g in %d evaluations in a row",
                  evaluation.stop_at_success, evaluation.stop_after);
    evaluations += stop;
  }
  char line[1280];
  std::snprintf(
      line, sizeof line,
      "dreamer_learner: device %s, env backend %s, preset %s, %d actor(s) x %d envs, %d learner(s), batch %d "
      "x %d, train ratio %g (replayed steps per env step; %.3g updates per env step), learning rates %g (model) %g "
      "(actor) %g (critic), actor entropy %g, discount %g, free bits %g, fused Adam %s, CUDA graphs %s, bf16 %s, stage "
      "%s, %lld env "
      "steps, %s, %s",
      device_name(config.device), device_name(config.env_backend), config.preset.c_str(), config.actors,
      config.envs_per_actor, config.learners, train.batch_size, train.seq_len, config.replay.train_ratio,
      config.replay.train_ratio / replayed_per_update, train.model_lr, train.actor_lr, train.critic_lr,
      train.actor_entropy, train.gamma, train.kl_free_bits, on_off(train.fused_adam), on_off(train.cuda_graphs),
      on_off(train.autocast_bf16), config.task.rom.empty() ? config.task.stage.c_str() : config.task.rom.c_str(),
      static_cast<long long>(config.total_env_steps), wall.c_str(), evaluations.c_str());
  return line;
}

namespace {

// "success 0.94 (60 of 64 episodes), steps to goal p50 18, dist p50 0.01"
// from an evaluation's figures, named with `prefix` ("" or "eval_").
template <class Json>
std::string evaluation_figures(const Json& figures, const std::string& prefix) {
  const double rate = figures.value(prefix + "success_rate", 0.0);
  const long long episodes = figures.value(prefix + "episodes", 0LL);
  const long long successes = std::llround(rate * static_cast<double>(episodes));
  const auto steps = figures.find(prefix + "steps_to_goal_p50");
  char to_goal[48] = "no success";
  if (steps != figures.end() && steps->is_number())
    std::snprintf(to_goal, sizeof to_goal, "steps to goal p50 %.0f", steps->template get<double>());
  char line[256];
  std::snprintf(line, sizeof line, "success %.2f (%lld of %lld episodes), %s, dist p50 %.3g", rate, successes, episodes,
                to_goal, figures.value(prefix + "dist_p50", 0.0));
  return line;
}

}  // namespace

std::string evaluation_line(const nlohmann::ordered_json& summary) {
  return "dreamer_learner: greedy evaluation: " + evaluation_figures(summary, "");
}

std::string periodic_evaluation_line(const nlohmann::json& record) {
  char when[128];
  std::snprintf(when, sizeof when, "at update %lld (env steps %lld, %.0f s)", record.value("opt_steps", 0LL),
                record.value("env_steps", 0LL), record.value("wall_s", 0.0));
  return std::string("dreamer_learner: greedy evaluation ") + when + ": " + evaluation_figures(record, "eval_");
}

}  // namespace dreamer
