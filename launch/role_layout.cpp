#include "launch/role_layout.hpp"

#include <algorithm>
#include <cstdlib>

#include "common/error.hpp"

namespace dreamer {

const char* role_name(Role role) {
  switch (role) {
    case Role::kGate:
      return "gate";
    case Role::kReplay:
      return "replay";
    case Role::kActor:
      return "actor";
    case Role::kLearner:
      return "learner";
  }
  return "unknown";
}

RoleLayout RoleLayout::for_world(int world_size, int actors, int learners) {
  if (actors < 1) throw ConfigError("actors", "must be >= 1, got " + std::to_string(actors));
  if (learners < 1) throw ConfigError("learners", "must be >= 1, got " + std::to_string(learners));
  if (world_size == 1) {
    if (actors != 1 || learners != 1)
      throw Error("one rank runs one actor and one learner in-process; for --actors " + std::to_string(actors) +
                  " --learners " + std::to_string(learners) + " start " + std::to_string(2 + actors + learners) +
                  " ranks (1 gate + 1 replay + actors + learners)");
    return RoleLayout(1, 1, 1);
  }
  const int needed = 2 + actors + learners;
  if (world_size != needed) {
    throw Error("the MPI world has " + std::to_string(world_size) + " ranks but --actors " + std::to_string(actors) +
                " --learners " + std::to_string(learners) + " needs " + std::to_string(needed) +
                " (1 gate + 1 replay + actors + learners), or run one rank for single-process mode");
  }
  return RoleLayout(world_size, actors, learners);
}

std::pair<int, int> RoleLayout::split_world(int world_size, std::optional<int> actors, std::optional<int> learners) {
  // A derived count is at least 1, so that a world too small for the named
  // roles gets for_world's "needs N ranks" line rather than a count of 0.
  const int role_ranks = world_size - 2;
  if (actors && learners) return {*actors, *learners};
  if (actors) return {*actors, std::max(1, role_ranks - *actors)};
  if (learners) return {std::max(1, role_ranks - *learners), *learners};
  const int acting = std::max(1, role_ranks / 3);
  return {acting, std::max(1, role_ranks - acting)};
}

std::vector<Role> RoleLayout::roles_of(int rank) const {
  if (single_process()) return {Role::kGate, Role::kReplay, Role::kActor, Role::kLearner};
  if (rank == 0) return {Role::kGate};
  if (rank == 1) return {Role::kReplay};
  if (actor_index(rank) >= 0) return {Role::kActor};
  return {Role::kLearner};
}

int RoleLayout::actor_rank(int index) const { return single_process() ? 0 : 2 + index; }
int RoleLayout::learner_rank(int index) const { return single_process() ? 0 : 2 + actors_ + index; }

int RoleLayout::actor_index(int rank) const {
  if (single_process()) return rank == 0 ? 0 : -1;
  return rank >= 2 && rank < 2 + actors_ ? rank - 2 : -1;
}

int RoleLayout::learner_index(int rank) const {
  if (single_process()) return rank == 0 ? 0 : -1;
  return rank >= 2 + actors_ && rank < world_size_ ? rank - 2 - actors_ : -1;
}

int launcher_world_size() {
  for (const char* name : {"OMPI_COMM_WORLD_SIZE", "PMI_SIZE", "SLURM_STEP_NUM_TASKS"}) {
    const char* value = std::getenv(name);
    if (value != nullptr && *value != '\0') return std::atoi(value);
  }
  return 0;
}

void check_world_matches_launcher(int mpi_world_size, int launcher_size) {
  if (launcher_size > 0 && launcher_size != mpi_world_size) {
    throw Error("the launcher started " + std::to_string(launcher_size) + " ranks but MPI sees a world of " +
                std::to_string(mpi_world_size) +
                ": the launcher's PMI does not reach this MPI (with srun use --mpi=pmix); refusing to start " +
                std::to_string(launcher_size) + " independent runs");
  }
}

}  // namespace dreamer
