#pragma once
// The wall clock of the dreamer_bench modes.
#include <chrono>

namespace dreamer {

using BenchClock = std::chrono::steady_clock;

inline double seconds_since(BenchClock::time_point start) {
  return std::chrono::duration<double>(BenchClock::now() - start).count();
}

}  // namespace dreamer
