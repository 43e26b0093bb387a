#pragma once
// Start states for environments: either the project's own snapshot (magic
// "DGBSNAP\0", see snapshot.hpp) or a PyBoy `.state` file (no magic; see
// pyboy_state.hpp). The project snapshot is recognised by its magic; any other
// file is read as a PyBoy state for `rom`, so a bad file gets the PyBoy
// loader's error naming the offset and field.
#include <filesystem>

#include "actors/gb/console.hpp"
#include "actors/gb/rom.hpp"

namespace dreamer::gb {

Console load_start_state_file(const std::filesystem::path& path, const Rom& rom);

}  // namespace dreamer::gb
