#pragma once
// EpisodeWindow: turns an actor's per-tick rows into ended episodes for its
// metric reports, without the bias of counting episodes by when they end.
//
// Counted by end time, the first windows of a run hold only the episodes that
// ended early (by reaching the goal): none could have been truncated yet. With
// a random policy that reaches the goal 1 time in 100, the first records then
// showed success_rate 1.0. So an episode is held back until the tick at which
// it would have been truncated had it not ended (its end tick + max_steps -
// its length) and is reported then, whatever its outcome: a window holds the
// episodes that started in one span of ticks, which is independent of how
// they end. Truncated episodes are reported at once; episodes still held when
// the run stops are not reported (the run's greedy evaluation is its verdict).
//
// Not thread-safe: the actor's thread owns it.
#include <cstdint>
#include <vector>

#include "common/run/episode_statistics.hpp"

namespace dreamer::actors {

class EpisodeWindow {
 public:
  // `max_steps` <= 0: the task truncates nothing, episodes are reported when they end.
  EpisodeWindow(int num_envs, int max_steps);

  // Env `env`'s row of the current tick. A reset observation (is_first)
  // takes no step; the row that ends an episode is terminated or truncated.
  void record(int env, bool is_first, float reward, float dist, bool terminated, bool truncated);
  // Ends the current tick: episodes due at it are released.
  void end_tick();
  // Released episodes since the last call.
  std::vector<EpisodeOutcome> take();
  // Ended episodes not yet released.
  std::size_t held() const { return held_.size(); }

 private:
  struct Held {
    EpisodeOutcome outcome;
    std::int64_t release_tick = 0;
  };
  int max_steps_;
  std::int64_t tick_ = 0;
  std::vector<double> episode_return_;
  std::vector<std::int32_t> episode_length_;
  std::vector<Held> held_;
  std::vector<EpisodeOutcome> released_;
};

}  // namespace dreamer::actors
