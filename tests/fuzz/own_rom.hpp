#pragma once
// The project's exit-room ROM (built into DREAMER_ROMS_DIR), loaded once:
// the cartridge that fuzzed states are read for.
#include <string>

#include "actors/gb/rom.hpp"

namespace dreamer::fuzz {

inline const gb::Rom& own_rom() {
  static const gb::Rom rom = gb::load_rom(std::string(DREAMER_ROMS_DIR) + "/exit_room.gb");
  return rom;
}

}  // namespace dreamer::fuzz
