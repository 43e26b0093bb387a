#include "common/mpi/mpi_session.hpp"

#include <cstdlib>
#include <string>

#include "common/error.hpp"
#include "common/mpi/mpi_check.hpp"

namespace dreamer {

MpiSession::MpiSession(std::optional<int> expected_world_size) {
  int initialized = 0;
  DREAMER_CHECK_MPI(MPI_Initialized(&initialized));
  if (initialized) {
    DREAMER_CHECK_MPI(MPI_Query_thread(&thread_level_));
  } else {
    // Started without a launcher, Open MPI forks a helper daemon (orted) for
    // the 1-rank world. Under Slurm that daemon also gets the job's signals
    // and, on a requeue's SIGTERM, ends the run before it has checkpointed.
    // A single process never spawns ranks, so it needs no daemon. Only
    // Open MPI's singleton start reads this; a user's own setting wins.
    setenv("OMPI_MCA_ess_singleton_isolated", "1", /*overwrite=*/0);
    // MPI_Init_thread's errors go to MPI_ERRORS_ARE_FATAL: nothing can be set before it.
    MPI_Init_thread(nullptr, nullptr, MPI_THREAD_MULTIPLE, &thread_level_);
    owns_mpi_ = true;
  }
  try {
    check_or_throw(expected_world_size);
  } catch (...) {
    finalize_if_owned();
    throw;
  }
}

MpiSession::~MpiSession() { finalize_if_owned(); }

void MpiSession::check_or_throw(std::optional<int> expected_world_size) {
  DREAMER_CHECK_MPI(MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN));
  DREAMER_CHECK_MPI(MPI_Comm_rank(MPI_COMM_WORLD, &world_rank_));
  DREAMER_CHECK_MPI(MPI_Comm_size(MPI_COMM_WORLD, &world_size_));
  if (thread_level_ < MPI_THREAD_MULTIPLE) {
    throw Error("MPI provides thread level " + std::to_string(thread_level_) + ", below MPI_THREAD_MULTIPLE (" +
                std::to_string(MPI_THREAD_MULTIPLE) + "); use an MPI library built with thread support");
  }
  if (expected_world_size && *expected_world_size != world_size_) {
    throw Error("MPI world has " + std::to_string(world_size_) + " rank(s) but " +
                std::to_string(*expected_world_size) +
                " were expected; the launcher may have started independent 1-rank worlds "
                "(check mpirun/srun --mpi=pmix)");
  }
}

void MpiSession::finalize_if_owned() noexcept {
  if (!owns_mpi_) return;
  owns_mpi_ = false;
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized) MPI_Finalize();
}

}  // namespace dreamer
