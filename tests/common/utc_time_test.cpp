#include "common/run/utc_time.hpp"

#include <gtest/gtest.h>

#include <regex>

namespace dreamer {
namespace {

TEST(UtcTime, FormatsATimePointAsUtcWithTheGivenPattern) {
  // 2026-11-26 01:02:03 UTC, whatever the machine's time zone.
  const std::chrono::system_clock::time_point when{std::chrono::seconds(1795654923)};
  EXPECT_EQ(format_utc(when, "%Y-%m-%dT%H:%M:%SZ"), "2026-11-26T01:02:03Z");
  EXPECT_EQ(format_utc(when, "%Y%m%d_%H%M%S"), "20261126_010203");
}

TEST(UtcTime, NowIsIso8601WithASecondsResolutionAndAZ) {
  EXPECT_TRUE(std::regex_match(utc_now_iso8601(), std::regex(R"(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z)")));
}

}  // namespace
}  // namespace dreamer
