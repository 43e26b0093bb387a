#pragma once
// DREAMER_CHECK_HDF5(call): HDF5 C calls return a negative value on failure.
// Evaluates to the call's result (an hid_t or herr_t) and throws
// dreamer::CallError with the call, the innermost HDF5 error message, file
// and line otherwise. Automatic HDF5 error printing is turned off once so that
// the error appears as one line.
#include <hdf5.h>

#include <string>

#include "common/call_error.hpp"

namespace dreamer {

// "<outermost>: <innermost>" message of HDF5's error stack (one of them when
// they are the same), and clears the stack.
std::string hdf5_error_message();
// Turns off HDF5's automatic printing of error stacks (idempotent).
void silence_hdf5_errors();

template <typename Result>
Result check_hdf5_result(Result result, const char* call, const char* file, int line) {
  if (result < 0) throw_call_error("HDF5", call, hdf5_error_message(), file, line);
  return result;
}

}  // namespace dreamer

#define DREAMER_CHECK_HDF5(call) \
  (::dreamer::silence_hdf5_errors(), ::dreamer::check_hdf5_result((call), #call, __FILE__, __LINE__))
