#pragma once
// MPI_COMM_WORLD as the tests that mpirun starts see it: this rank, the
// number of ranks, and whether a value agrees across them. MPI must be
// initialised (their main() holds an MpiSession).
#include <mpi.h>

#include <cstdint>
#include <utility>

namespace dreamer::test {

inline int world_rank() {
  int rank = 0;
  MPI_Comm_rank(MPI_COMM_WORLD, &rank);
  return rank;
}

inline int world_size() {
  int size = 0;
  MPI_Comm_size(MPI_COMM_WORLD, &size);
  return size;
}

// The lowest and highest `value` over the ranks (collective: every rank
// calls it).
inline std::pair<std::int64_t, std::int64_t> min_max_over_ranks(std::int64_t value) {
  std::int64_t low = 0;
  std::int64_t high = 0;
  MPI_Allreduce(&value, &low, 1, MPI_INT64_T, MPI_MIN, MPI_COMM_WORLD);
  MPI_Allreduce(&value, &high, 1, MPI_INT64_T, MPI_MAX, MPI_COMM_WORLD);
  return {low, high};
}

}  // namespace dreamer::test
