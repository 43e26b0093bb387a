#pragma once
// DREAMER_CHECK_MPI(call): throws dreamer::CallError naming the call, the MPI
// error string, file and line when the call does not return MPI_SUCCESS.
// Communicators must use MPI_ERRORS_RETURN for errors to reach the check
// (dreamer::MpiSession sets it on MPI_COMM_WORLD).
#include <mpi.h>

#include <string>

#include "common/call_error.hpp"

namespace dreamer {
std::string mpi_error_string(int code);
}

#define DREAMER_CHECK_MPI(call)                                                                                    \
  do {                                                                                                             \
    const int dreamer_mpi_rc_ = (call);                                                                            \
    if (dreamer_mpi_rc_ != MPI_SUCCESS)                                                                            \
      ::dreamer::throw_call_error("MPI", #call, ::dreamer::mpi_error_string(dreamer_mpi_rc_), __FILE__, __LINE__); \
  } while (0)
