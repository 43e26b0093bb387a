#include "common/hdf5_check.hpp"

namespace dreamer {
namespace {

// Walking downward, index 0 is the API call's own message ("unable to open
// file") and the last one the innermost cause ("truncated file: eof = ...").
struct Messages {
  std::string outermost;
  std::string innermost;
};

herr_t keep_outer_and_inner(unsigned index, const H5E_error2_t* error, void* client_data) {
  auto* messages = static_cast<Messages*>(client_data);
  if (error->desc == nullptr) return 0;
  if (index == 0) messages->outermost = error->desc;
  messages->innermost = error->desc;
  return 0;
}

}  // namespace

std::string hdf5_error_message() {
  Messages messages;
  H5Ewalk2(H5E_DEFAULT, H5E_WALK_DOWNWARD, keep_outer_and_inner, &messages);
  H5Eclear2(H5E_DEFAULT);
  if (messages.outermost.empty()) return "unknown HDF5 error";
  if (messages.innermost == messages.outermost) return messages.outermost;
  return messages.outermost + ": " + messages.innermost;
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
