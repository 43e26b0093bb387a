#include "launch/progress_line.hpp"

#include <algorithm>
#include <cstdio>

namespace dreamer {

std::string progress_line(const nlohmann::json& record, std::int64_t total_env_steps) {
  const auto number = [&](const char* key) {
    const auto it = record.find(key);
    return it != record.end() && it->is_number() ? it->get<double>() : 0.0;
  };
  const double env_steps = number("env_steps");
  const double sps = number("sps");
  const double fraction = total_env_steps > 0 ? std::min(1.0, env_steps / static_cast<double>(total_env_steps)) : 0.0;
  const long eta = sps > 0.0 ? static_cast<long>((static_cast<double>(total_env_steps) - env_steps) / sps) : 0;
  char line[256];
  std::snprintf(line, sizeof line,
                "[%3.0f%%] env %.0f/%lld | %.0f sps | upd %.0f | loss_model %.4g obs_nll %.4g kl %.3g | ETA "
                "%02ld:%02ld:%02ld",
                100.0 * fraction, env_steps, static_cast<long long>(total_env_steps), sps, number("opt_steps"),
                number("loss_model"), number("obs_nll"), number("kl_total"), std::max(0L, eta) / 3600,
                std::max(0L, eta) / 60 % 60, std::max(0L, eta) % 60);
  return line;
}

}  // namespace dreamer
