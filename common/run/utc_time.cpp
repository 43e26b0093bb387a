#include "common/run/utc_time.hpp"

#include <ctime>

namespace dreamer {

std::string format_utc(std::chrono::system_clock::time_point when, const char* format) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(when);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[64];
  std::strftime(text, sizeof text, format, &utc);
  return text;
}

std::string utc_now_iso8601() { return format_utc(std::chrono::system_clock::now(), "%Y-%m-%dT%H:%M:%SZ"); }

}  // namespace dreamer
