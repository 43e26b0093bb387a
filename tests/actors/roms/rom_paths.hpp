#pragma once
// Where the build put the project's own ROMs (states/roms/*.asm assembled by
// the dreamer_roms target into DREAMER_ROMS_DIR).
#include <filesystem>
#include <string>

namespace dreamer::testing {

inline std::filesystem::path own_rom(const std::string& name) { return std::filesystem::path(DREAMER_ROMS_DIR) / name; }

}  // namespace dreamer::testing
