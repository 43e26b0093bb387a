#include "common/hdf5_check.hpp"

namespace dreamer {
namespace {

herr_t keep_innermost(unsigned index, const H5E_error2_t* error, void* client_data) {
  auto* message = static_cast<std::string*>(client_data);
  if (index == 0 && error->desc != nullptr) *message = error->desc;
  return 0;
}

}  // namespace

std::string hdf5_error_message() {
  std::string message = "unknown HDF5 error";
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_innermost, &message);
  H5Eclear2(H5E_DEFAULT);
  return message;
}

void silence_hdf5_errors() {
  // The error stack is per thread in thread-safe HDF5 builds.
  thread_local bool silenced = false;
  if (!silenced) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    silenced = true;
  }
}

}  // namespace dreamer
