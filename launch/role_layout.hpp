#pragma once
// Which rank plays which role. Ranks are laid out in a fixed order:
//
//   rank 0            gate     (metrics.jsonl, verdicts, stop decisions)
//   rank 1            replay   (ring, commit fences, rate limiter)
//   ranks 2..2+A-1    actors   (A = --actors)
//   the next L ranks  learners (L = --learners; learner 0 owns checkpoints)
//
// A world of one rank runs every role in one process, with one actor and one
// learner (single-process mode, deterministic on CPU). Any other world
// size must equal 2 + A + L exactly: a launcher that starts more or fewer
// ranks than the roles need, or N copies of a one-rank world (detected from
// the launcher's own environment), is refused with one clear error. A
// world of N > 1 ranks started without --actors and --learners splits its
// N - 2 role ranks by split_world (mpirun -np 8: 2 actors, 4 learners).
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace dreamer {

enum class Role { kGate, kReplay, kActor, kLearner };

const char* role_name(Role role);

class RoleLayout {
 public:
  // Throws dreamer::Error explaining the mismatch.
  static RoleLayout for_world(int world_size, int actors, int learners);
  // {actors, learners} for a world of `world_size` > 1 ranks given what the
  // command line named: both named, as named; one named, the other takes the
  // rest; none, a third of the N - 2 role ranks act (at least one) and the
  // rest learn. for_world still checks the result.
  static std::pair<int, int> split_world(int world_size, std::optional<int> actors, std::optional<int> learners);

  bool single_process() const { return world_size_ == 1; }
  int world_size() const { return world_size_; }
  int actors() const { return actors_; }
  int learners() const { return learners_; }

  // In single-process mode every role lives on rank 0; roles_of() lists them.
  std::vector<Role> roles_of(int rank) const;
  int gate_rank() const { return 0; }
  int replay_rank() const { return single_process() ? 0 : 1; }
  int actor_rank(int actor_index) const;
  int learner_rank(int learner_index) const;
  // The index of `rank` among the actors (or learners); -1 when it is none.
  int actor_index(int rank) const;
  int learner_index(int rank) const;

 private:
  RoleLayout(int world_size, int actors, int learners)
      : world_size_(world_size), actors_(actors), learners_(learners) {}
  int world_size_;
  int actors_;
  int learners_;
};

// The world size the launcher meant to start, from its environment
// (OMPI_COMM_WORLD_SIZE from mpirun, PMI_SIZE, SLURM_STEP_NUM_TASKS from srun), or 0
// when no launcher variable is set.
int launcher_world_size();

// Refuses a world whose MPI size disagrees with what the launcher started
// (the N-copies-of-rank-0 failure of launchers without working PMI).
void check_world_matches_launcher(int mpi_world_size, int launcher_size);

}  // namespace dreamer
