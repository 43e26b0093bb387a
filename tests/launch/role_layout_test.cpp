#include "launch/role_layout.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace dreamer {
namespace {

TEST(RoleLayout, OneRankRunsEveryRoleInProcess) {
  const RoleLayout layout = RoleLayout::for_world(1, 1, 1);
  EXPECT_TRUE(layout.single_process());
  EXPECT_THROW(RoleLayout::for_world(1, 3, 2), Error);  // more roles than one process plays
  EXPECT_EQ(layout.roles_of(0).size(), 4u);
  EXPECT_EQ(layout.replay_rank(), 0);
  EXPECT_EQ(layout.learner_rank(0), 0);
}

TEST(RoleLayout, RanksAreGateReplayActorsThenLearners) {
  const RoleLayout layout = RoleLayout::for_world(8, 3, 3);
  EXPECT_EQ(layout.roles_of(0), std::vector<Role>{Role::kGate});
  EXPECT_EQ(layout.roles_of(1), std::vector<Role>{Role::kReplay});
  for (int rank = 2; rank < 5; ++rank) EXPECT_EQ(layout.roles_of(rank), std::vector<Role>{Role::kActor}) << rank;
  for (int rank = 5; rank < 8; ++rank) EXPECT_EQ(layout.roles_of(rank), std::vector<Role>{Role::kLearner}) << rank;
  EXPECT_EQ(layout.actor_rank(2), 4);
  EXPECT_EQ(layout.learner_rank(0), 5);
  EXPECT_EQ(layout.actor_index(3), 1);
  EXPECT_EQ(layout.actor_index(5), -1);
  EXPECT_EQ(layout.learner_index(7), 2);
  EXPECT_EQ(layout.learner_index(1), -1);
}

TEST(RoleLayout, RefusesWorldsThatDoNotFitTheRoles) {
  EXPECT_THROW(RoleLayout::for_world(3, 1, 1), Error);  // one rank short
  EXPECT_THROW(RoleLayout::for_world(5, 1, 1), Error);  // one rank too many
  EXPECT_THROW(RoleLayout::for_world(4, 0, 2), ConfigError);
  EXPECT_THROW(RoleLayout::for_world(4, 2, 0), ConfigError);
  try {
    RoleLayout::for_world(3, 1, 1);
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("needs 4"), std::string::npos) << error.what();
  }
}

// mpirun -np N with neither --actors nor --learners: a third of the N - 2
// role ranks act, at least one, the rest learn; a named count is kept and the
// other takes the rest.
TEST(RoleLayout, AWorldWithoutRoleCountsSplitsItsRanks) {
  using Split = std::pair<int, int>;
  EXPECT_EQ(RoleLayout::split_world(4, std::nullopt, std::nullopt), Split(1, 1));
  EXPECT_EQ(RoleLayout::split_world(5, std::nullopt, std::nullopt), Split(1, 2));
  EXPECT_EQ(RoleLayout::split_world(8, std::nullopt, std::nullopt), Split(2, 4));  // a DGX: 8 ranks
  EXPECT_EQ(RoleLayout::split_world(14, std::nullopt, std::nullopt), Split(4, 8));
  EXPECT_EQ(RoleLayout::split_world(8, 3, std::nullopt), Split(3, 3));
  EXPECT_EQ(RoleLayout::split_world(8, std::nullopt, 5), Split(1, 5));
  EXPECT_EQ(RoleLayout::split_world(8, 1, 1), Split(1, 1));  // both named: for_world refuses 8 != 4
  for (int world = 4; world <= 64; ++world) {
    const auto [actors, learners] = RoleLayout::split_world(world, std::nullopt, std::nullopt);
    EXPECT_NO_THROW(RoleLayout::for_world(world, actors, learners)) << world;
  }
  // Too few ranks for gate, replay, an actor and a learner, or for the named
  // actors: the split stays >= 1 each and for_world names the ranks needed.
  EXPECT_EQ(RoleLayout::split_world(3, std::nullopt, std::nullopt), Split(1, 1));
  EXPECT_EQ(RoleLayout::split_world(4, 2, std::nullopt), Split(2, 1));
  try {
    RoleLayout::for_world(4, 2, 1);
    ADD_FAILURE() << "4 ranks for 2 actors and 1 learner";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("needs 5"), std::string::npos) << error.what();
  }
}

TEST(RoleLayout, RefusesNCopiesOfAOneRankWorld) {
  EXPECT_THROW(check_world_matches_launcher(1, 4), Error);
  EXPECT_NO_THROW(check_world_matches_launcher(4, 4));
  EXPECT_NO_THROW(check_world_matches_launcher(1, 0));  // no launcher: a plain run
}

TEST(RoleLayout, ReadsTheLaunchersWorldSizeFromItsEnvironment) {
  ::setenv("OMPI_COMM_WORLD_SIZE", "6", 1);
  EXPECT_EQ(launcher_world_size(), 6);
  ::unsetenv("OMPI_COMM_WORLD_SIZE");
}

}  // namespace
}  // namespace dreamer
