#pragma once
// Runs a ROM in mGBA (libmgba) for a number of frames, forced to the DMG
// model, as a speed reference for gb_bench. Only built when libmgba is found.
#include <string>

namespace dreamer::gb::bench {

struct MgbaRun {
  double seconds = 0;  // wall time of the frame loop only
  bool dmg = false;    // the core really ran as a DMG (0xFF4D reads 0xFF)
};

// Throws dreamer::Error when mGBA cannot load the ROM.
MgbaRun run_mgba(const std::string& rom_path, int frames);

}  // namespace dreamer::gb::bench
