#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "common/call_error.hpp"
#include "common/hdf5/hdf5_check.hpp"
#include "common/mpi/mpi_check.hpp"
#if defined(DREAMER_HAS_CUDA)
#include "common/cuda_check.hpp"
#include "common/nccl_check.hpp"
#endif

namespace dreamer {
namespace {

void expect_call_error(const std::function<void()>& body, const std::string& library, const std::string& call) {
  try {
    body();
    ADD_FAILURE() << "expected a CallError from " << library;
  } catch (const CallError& error) {
    EXPECT_EQ(error.library(), library);
    EXPECT_NE(error.call().find(call), std::string::npos) << error.call();
    EXPECT_NE(error.file().find("checked_call_test.cpp"), std::string::npos);
    EXPECT_GT(error.line(), 0);
    EXPECT_NE(std::string(error.what()).find(call), std::string::npos) << error.what();
  }
}

TEST(CheckedCalls, Hdf5FailureNamesCallFileAndLine) {
  expect_call_error([] { DREAMER_CHECK_HDF5(H5Fopen("/nonexistent/x.h5", H5F_ACC_RDONLY, H5P_DEFAULT)); }, "HDF5",
                    "H5Fopen");
}

TEST(CheckedCalls, Hdf5SuccessPassesTheResultThrough) {
  const hid_t space = DREAMER_CHECK_HDF5(H5Screate(H5S_SCALAR));
  EXPECT_GE(space, 0);
  DREAMER_CHECK_HDF5(H5Sclose(space));
}

TEST(CheckedCalls, MpiFailureNamesCallFileAndLine) {
  int initialized = 0;
  MPI_Initialized(&initialized);
  if (!initialized) MPI_Init(nullptr, nullptr);
  MPI_Comm_set_errhandler(MPI_COMM_WORLD, MPI_ERRORS_RETURN);
  int value = 0;
  expect_call_error([&] { DREAMER_CHECK_MPI(MPI_Bcast(&value, 1, MPI_INT, 99, MPI_COMM_WORLD)); }, "MPI", "MPI_Bcast");
}

#if defined(DREAMER_HAS_CUDA)
TEST(CheckedCalls, CudaFailureNamesCallFileAndLine) {
  expect_call_error([] { DREAMER_CHECK_CUDA(cudaSetDevice(-1)); }, "CUDA", "cudaSetDevice");
}

TEST(CheckedCalls, NcclFailureNamesCallFileAndLine) {
  expect_call_error([] { DREAMER_CHECK_NCCL(ncclCommCount(nullptr, nullptr)); }, "NCCL", "ncclCommCount");
}
#endif

}  // namespace
}  // namespace dreamer
