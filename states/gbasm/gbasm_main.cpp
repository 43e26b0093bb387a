// dreamer_gbasm: assembles one gbasm source file into a Game Boy ROM.
//   dreamer_gbasm <input.asm> <output.gb>
// Prints "file:line: error: message" and exits 1 on bad input.
#include "states/gbasm/assembler.hpp"

#include <cstdio>
#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << argv[0] << " <input.asm> <output.gb>\n";
    return 2;
  }
  try {
    const std::vector<std::uint8_t> rom = dreamer::gbasm::assemble_file(argv[1]);
    const std::filesystem::path output = argv[2];
    const std::filesystem::path temporary = output.string() + ".tmp";
    {
      std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
      out.write(reinterpret_cast<const char*>(rom.data()), static_cast<std::streamsize>(rom.size()));
      if (!out) throw dreamer::Error("cannot write '" + temporary.string() + "'");
    }
    std::filesystem::rename(temporary, output);
  } catch (const std::exception& error) {
    std::cerr << error.what() << "\n";
    return 1;
  }
  return 0;
}
