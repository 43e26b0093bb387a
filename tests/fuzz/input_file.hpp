#pragma once
// For loaders that read a path: the fuzz input written to one file of this
// process (rewritten for every input).
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <span>
#include <string>

namespace dreamer::fuzz {

inline std::filesystem::path input_file(std::span<const std::uint8_t> bytes, const std::string& name) {
  static const std::filesystem::path folder =
      std::filesystem::temp_directory_path() / ("dreamer_fuzz_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  const std::filesystem::path path = folder / name;
  std::ofstream(path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
  return path;
}

}  // namespace dreamer::fuzz
