#include "launch/role_layout.hpp"

#include <gtest/gtest.h>

#include "common/error.hpp"

namespace dreamer {
namespace {

TEST(RoleLayout, OneRankRunsEveryRoleInProcess) {
  const RoleLayout layout = RoleLayout::for_world(1, 3, 2);
  EXPECT_TRUE(layout.single_process());
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
