#pragma once
// Integrity seal for the HDF5 files a run reads back (checkpoints, replay
// dumps). HDF5's user block, the first kSealBytes of the file, which HDF5
// and h5py/h5dump skip, holds the SHA-256 of every byte after it:
//
//   "DREAMER HDF5 SEAL 1\nsha256 <64 hex digits>\n" then zero bytes
//
// A writer creates the file with seal_creation_properties(), closes it, then
// calls seal_file() before its fsync and rename. A reader calls verify_seal()
// before HDF5 opens the file, so a file cut short or damaged on disk is
// refused with one line instead of being parsed: HDF5 1.10 reads damaged
// metadata unsafely (fuzz_replay_dump found a heap overflow inside H5Aopen).
#include <filesystem>
#include <string>

#include "common/hdf5/hdf5_file.hpp"

namespace dreamer::hdf5 {

inline constexpr hsize_t kSealBytes = 512;

// A file-creation property list that reserves the seal's user block.
Handle seal_creation_properties();

// Writes the seal of a closed file made with seal_creation_properties().
void seal_file(const std::filesystem::path& path);

// Throws dreamer::Error (without the path: callers prefix it) when the file
// has no seal or its content does not match it. `kind` names what the file
// should be ("dreamer checkpoint", "replay dump") for a sealless HDF5 file.
void verify_seal(const std::filesystem::path& path, const std::string& kind);

}  // namespace dreamer::hdf5
