#pragma once
// The body every fuzz target shares: a loader may refuse its input only with
// dreamer::Error (one line for the user). Any other exception escaping it is
// a finding, as are crashes, hangs, leaks and undefined behaviour (ASan,
// UBSan and libFuzzer report those).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <span>

#include "common/error.hpp"

namespace dreamer::fuzz {

template <class Load>
int run_loader(const std::uint8_t* data, std::size_t size, Load&& load) {
  try {
    load(std::span<const std::uint8_t>(data, size));
  } catch (const Error&) {
    // Refused with one clear line: the expected way to fail.
  } catch (const std::exception& error) {
    std::fprintf(stderr, "loader threw %s instead of dreamer::Error\n", error.what());
    std::abort();
  }
  return 0;
}

}  // namespace dreamer::fuzz
