#include "common/hdf5/hdf5_check.hpp"

#include <string_view>

namespace dreamer {
namespace {

// Every HDF5 object of ours is closed by its owner, which reports a failed
// close. HDF5's own exit handler would close what is left once more: after a
// close that failed on a full disk, HDF5 1.10 crashes there (H5F__close_cb,
// SIGSEGV) instead of exiting with our error line. So it is not registered:
// H5dont_atexit() must precede the library's initialisation, hence a static
// initialiser of the file every checked call links in.
const bool kNoHdf5ExitHandler = [] {
  H5dont_atexit();
  return true;
}();

// Walking downward, index 0 is the API call's own message ("unable to open
// file") and the last one the innermost cause ("truncated file: eof = ...").
struct Messages {
  std::string outermost;
  std::string innermost;
};

// HDF5's system-call failures read "file write failed: time = <date>\n,
// filename = ..., errno = 28, error message = 'No space left on device', buf
// = ..." over two lines; users get "file write failed: No space left on
// device". Any other description is kept, its line breaks made spaces.
std::string one_line(std::string desc) {
  constexpr std::string_view kSystemError = "error message = '";
  if (const std::size_t at = desc.find(kSystemError); at != std::string::npos) {
    const std::size_t start = at + kSystemError.size();
    const std::size_t end = desc.find('\'', start);
    const std::size_t colon = desc.find(':');
    if (end != std::string::npos && colon < at) desc = desc.substr(0, colon) + ": " + desc.substr(start, end - start);
  }
  for (char& c : desc)
    if (c == '\n' || c == '\r') c = ' ';
  return desc;
}

herr_t keep_outer_and_inner(unsigned index, const H5E_error2_t* error, void* client_data) {
  auto* messages = static_cast<Messages*>(client_data);
  if (error->desc == nullptr) return 0;
  if (index == 0) messages->outermost = one_line(error->desc);
  messages->innermost = one_line(error->desc);
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
