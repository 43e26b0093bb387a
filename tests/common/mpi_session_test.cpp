// Started by ctest through mpirun -np 2; main() holds the session that
// initialised MPI, so the sessions made in the tests only check.
#include "common/mpi/mpi_session.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "common/call_error.hpp"
#include "common/mpi/mpi_check.hpp"
#include "tests/common/mpi_world.hpp"

namespace dreamer {
namespace {

TEST(MpiSession, ReportsRankSizeAndMultipleThreadSupport) {
  const MpiSession session(test::world_size());
  EXPECT_FALSE(session.owns_mpi());
  EXPECT_EQ(session.world_size(), 2);
  EXPECT_GE(session.world_rank(), 0);
  EXPECT_LT(session.world_rank(), 2);
  EXPECT_GE(session.thread_level(), MPI_THREAD_MULTIPLE);
}

TEST(MpiSession, RefusesAWorldOfAnotherSize) {
  try {
    const MpiSession session(test::world_size() + 1);
    FAIL() << "a world of the wrong size was accepted";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("MPI world has 2 rank(s) but 3 were expected"), std::string::npos) << e.what();
  }
}

TEST(MpiSession, MpiErrorsReachTheCheckMacroInsteadOfAborting) {
  const MpiSession session;
  int value = 0;
  // Rank world_size does not exist: MPI_ERRORS_RETURN hands the error back.
  EXPECT_THROW(DREAMER_CHECK_MPI(MPI_Send(&value, 1, MPI_INT, session.world_size(), 0, MPI_COMM_WORLD)), CallError);
}

}  // namespace
}  // namespace dreamer

namespace {

// Processes whose parent is this one (field 4 of /proc/<pid>/stat).
int count_child_processes() {
  int children = 0;
  const std::string self = std::to_string(::getpid());
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const auto name_end = line.rfind(')');  // the command name may hold spaces
    if (name_end == std::string::npos) continue;
    std::istringstream fields(line.substr(name_end + 1));
    std::string state;
    std::string parent;
    fields >> state >> parent;
    if (parent == self) ++children;
  }
  return children;
}

}  // namespace

// `--expected-world-size=N`: only construct an owning session expecting N
// ranks (the way executables use it) and report a refusal on stderr with
// exit code 3.
// `--count-children`: started without mpirun, construct an owning 1-rank
// session and print how many child processes MPI started.
int main(int argc, char** argv) {
  if (argc == 2 && std::string(argv[1]) == "--count-children") {
    const dreamer::MpiSession session(1);
    std::printf("child processes: %d\n", count_child_processes());
    return 0;
  }
  const std::string flag = "--expected-world-size=";
  if (argc == 2 && std::string(argv[1]).starts_with(flag)) {
    try {
      const dreamer::MpiSession session(std::stoi(std::string(argv[1]).substr(flag.size())));
      return 0;
    } catch (const dreamer::Error& e) {
      std::fprintf(stderr, "refused: %s\n", e.what());
      return 3;
    }
  }
  ::testing::InitGoogleTest(&argc, argv);
  const dreamer::MpiSession session(2);
  return RUN_ALL_TESTS();
}
