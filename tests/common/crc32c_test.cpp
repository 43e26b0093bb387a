#include "common/media/crc32c.hpp"

#include <gtest/gtest.h>

#include <numeric>
#include <vector>

namespace dreamer {
namespace {

// Check values from RFC 3720 (iSCSI), appendix B.4, and the usual "123456789".
TEST(Crc32c, MatchesTheRfc3720Vectors) {
  std::vector<std::uint8_t> bytes(32, 0x00);
  EXPECT_EQ(crc32c(bytes), 0x8A9136AAu);
  std::fill(bytes.begin(), bytes.end(), 0xFF);
  EXPECT_EQ(crc32c(bytes), 0x62A8AB43u);
  std::iota(bytes.begin(), bytes.end(), 0);
  EXPECT_EQ(crc32c(bytes), 0x46DD794Eu);
  for (int i = 0; i < 32; ++i) bytes[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(31 - i);
  EXPECT_EQ(crc32c(bytes), 0x113FDB5Cu);
  EXPECT_EQ(crc32c(std::string_view("123456789")), 0xE3069283u);
  EXPECT_EQ(crc32c(std::string_view("")), 0u);
}

TEST(Crc32c, MaskIsTheTfRecordRotationAndUnmaskInvertsIt) {
  EXPECT_EQ(mask_crc32c(0), 0xa282ead8u);
  // 0xE3069283 rotated right by 15 = 0x2507C60D; + 0xa282ead8 = 0xC78AB0E5.
  EXPECT_EQ(mask_crc32c(0xE3069283u), 0xC78AB0E5u);
  for (const std::uint32_t value : {0u, 1u, 0xE3069283u, 0xFFFFFFFFu})
    EXPECT_EQ(unmask_crc32c(mask_crc32c(value)), value);
}

}  // namespace
}  // namespace dreamer
