#include "replay/replay_options.hpp"

#include <gtest/gtest.h>

#include <functional>
#include <string>

#include "common/error.hpp"

namespace dreamer::replay {
namespace {

std::string failing_field(const std::function<void(ReplayOptions&)>& change) {
  ReplayOptions options;
  change(options);
  try {
    options.validate();
  } catch (const ConfigError& error) {
    return error.field();
  }
  return "";
}

TEST(ReplayOptions, DefaultsAreValid) { EXPECT_NO_THROW(ReplayOptions{}.validate()); }

TEST(ReplayOptions, CommitStrideAboveHalfTheSequenceLengthIsRejected) {
  EXPECT_EQ(failing_field([](ReplayOptions& o) {
              o.seq_len = 16;
              o.commit_stride = 9;
            }),
            "commit_stride");
  EXPECT_EQ(failing_field([](ReplayOptions& o) {
              o.seq_len = 16;
              o.commit_stride = 8;
            }),
            "");
  EXPECT_EQ(failing_field([](ReplayOptions& o) {
              o.seq_len = 5;
              o.commit_stride = 3;
            }),
            "commit_stride");
}

TEST(ReplayOptions, EachOutOfRangeFieldIsNamed) {
  EXPECT_EQ(failing_field([](ReplayOptions& o) { o.num_streams = 0; }), "num_streams");
  EXPECT_EQ(failing_field([](ReplayOptions& o) { o.writer_groups = 3; }), "writer_groups");
  EXPECT_EQ(failing_field([](ReplayOptions& o) { o.capacity = 16 + 4 + 8 - 1; }), "capacity");
  EXPECT_EQ(failing_field([](ReplayOptions& o) { o.safety_margin = -1; }), "safety_margin");
  EXPECT_EQ(failing_field([](ReplayOptions& o) { o.batch_size = 0; }), "batch_size");
  EXPECT_EQ(failing_field([](ReplayOptions& o) { o.max_samplers = 0; }), "max_samplers");
  EXPECT_EQ(failing_field([](ReplayOptions& o) { o.train_ratio = 0.0; }), "train_ratio");
  EXPECT_EQ(failing_field([](ReplayOptions& o) { o.min_size_to_sample = 16 * 16 - 1; }), "min_size_to_sample");
  // (64 * 16 + 4 * 16 * 16) / 2 = 1024 replayed steps is the narrowest
  // window in which neither side can starve the other.
  EXPECT_EQ(failing_field([](ReplayOptions& o) { o.error_buffer = 1023.0; }), "error_buffer");
  EXPECT_EQ(failing_field([](ReplayOptions& o) { o.error_buffer = 1024.0; }), "");
}

TEST(ReplayOptions, ConfigErrorMessageNamesTheField) {
  ReplayOptions options;
  options.commit_stride = 40;
  try {
    options.validate();
    FAIL() << "validate() accepted commit_stride 40 with seq_len 16";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("commit_stride"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace dreamer::replay
