#pragma once
// UTC wall-clock text for what a run leaves on disk: meta.json and checkpoint
// stamps, run and gate folder names, verdicts and baselines. The one place
// that turns a time point into broken-down UTC.
#include <chrono>
#include <string>

namespace dreamer {

// `when` in UTC, formatted by std::strftime's `format` (at most 63 characters
// of output).
std::string format_utc(std::chrono::system_clock::time_point when, const char* format);
// Current UTC time as "yyyy-mm-ddTHH:MM:SSZ".
std::string utc_now_iso8601();

}  // namespace dreamer
