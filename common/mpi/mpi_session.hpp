#pragma once
// MpiSession: the one place where a process starts and ends MPI.
//
// The constructor initialises MPI with MPI_THREAD_MULTIPLE (the replay and
// learner ranks call MPI from several threads) and refuses to run when the
// library provides less. It sets MPI_ERRORS_RETURN on MPI_COMM_WORLD so that
// DREAMER_CHECK_MPI sees errors instead of the default abort. When the caller
// names the world size it expects, a different size is refused: a launcher
// without working PMI starts N copies of a 1-rank world, which would
// otherwise train N independent runs into one directory.
//
// When MPI is already initialised (a test's main, an embedding program), the
// session only checks and does not finalise. Refusals throw dreamer::Error
// after finalising MPI when this session initialised it.
//
// Not thread-safe: construct and destroy it on the main thread, once.
#include <mpi.h>

#include <optional>

namespace dreamer {

class MpiSession {
 public:
  explicit MpiSession(std::optional<int> expected_world_size = std::nullopt);
  ~MpiSession();
  MpiSession(const MpiSession&) = delete;
  MpiSession& operator=(const MpiSession&) = delete;

  int world_rank() const { return world_rank_; }
  int world_size() const { return world_size_; }
  // The level MPI_Init_thread provided (or MPI_Query_thread when MPI was
  // already initialised); at least MPI_THREAD_MULTIPLE.
  int thread_level() const { return thread_level_; }
  // True when this session initialised MPI and will finalise it.
  bool owns_mpi() const { return owns_mpi_; }
  MPI_Comm world() const { return MPI_COMM_WORLD; }

 private:
  void check_or_throw(std::optional<int> expected_world_size);
  void finalize_if_owned() noexcept;

  bool owns_mpi_ = false;
  int thread_level_ = MPI_THREAD_SINGLE;
  int world_rank_ = 0;
  int world_size_ = 1;
};

}  // namespace dreamer
