#include "actors/episode_window.hpp"

#include <algorithm>
#include <utility>

namespace dreamer::actors {

EpisodeWindow::EpisodeWindow(int num_envs, int max_steps)
    : max_steps_(max_steps),
      episode_return_(static_cast<std::size_t>(num_envs), 0.0),
      episode_length_(static_cast<std::size_t>(num_envs), 0) {}

void EpisodeWindow::record(int env, bool is_first, float reward, float dist, bool terminated, bool truncated) {
  if (is_first) return;
  const auto e = static_cast<std::size_t>(env);
  episode_return_[e] += reward;
  episode_length_[e] += 1;
  if (!terminated && !truncated) return;
  const EpisodeOutcome outcome{episode_return_[e], episode_length_[e], dist, terminated};
  const std::int64_t wait = std::max(0, max_steps_ - outcome.length);
  held_.push_back({outcome, tick_ + wait});
  episode_return_[e] = 0.0;
  episode_length_[e] = 0;
}

void EpisodeWindow::end_tick() {
  // Stable: episodes released together keep the order in which they ended.
  const auto due = std::stable_partition(held_.begin(), held_.end(),
                                         [this](const Held& held) { return held.release_tick <= tick_; });
  for (auto it = held_.begin(); it != due; ++it) released_.push_back(it->outcome);
  held_.erase(held_.begin(), due);
  ++tick_;
}

std::vector<EpisodeOutcome> EpisodeWindow::take() { return std::exchange(released_, {}); }

}  // namespace dreamer::actors
