#pragma once
// A failed call into an external library (MPI, HDF5, CUDA, NCCL). The checked
// call macros in mpi_check.hpp, hdf5_check.hpp, cuda_check.hpp and
// nccl_check.hpp throw it with the call's text, file and line.
#include <string>

#include "common/error.hpp"

namespace dreamer {

class CallError : public Error {
 public:
  CallError(std::string library, std::string call, std::string detail, std::string file, int line);
  const std::string& library() const { return library_; }
  const std::string& call() const { return call_; }
  const std::string& file() const { return file_; }
  int line() const { return line_; }

 private:
  std::string library_;
  std::string call_;
  std::string file_;
  int line_;
};

[[noreturn]] void throw_call_error(const char* library, const char* call, const std::string& detail, const char* file,
                                   int line);

}  // namespace dreamer
