#pragma once
// For the HDF5 loaders' fuzz targets: every file, group, dataset, type,
// space and attribute a load opened must be closed again, whether it loaded
// or refused the file. A handle left open is a finding (HDF5's own leaks on
// damaged files are suppressed in tests/fuzz/lsan.supp, so this check is
// what catches the project's).
#include <hdf5.h>

#include <cstdio>
#include <cstdlib>

namespace dreamer::fuzz {

inline void require_no_open_hdf5_ids() {
  const ssize_t open = H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL);
  if (open != 0) {
    std::fprintf(stderr, "%zd HDF5 identifiers are still open after the load\n", open);
    std::abort();
  }
}

// Runs `load` and checks the identifiers after it, also when it throws.
template <class Load>
void with_hdf5_id_check(Load&& load) {
  try {
    load();
  } catch (...) {
    require_no_open_hdf5_ids();
    throw;
  }
  require_no_open_hdf5_ids();
}

}  // namespace dreamer::fuzz
