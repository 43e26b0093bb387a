#include "common/sha256.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>

namespace dreamer {
namespace {

std::string hash_of(const std::string& text) {
  return sha256_hex({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

TEST(Sha256, MatchesThePublishedTestVectors) {
  // FIPS 180-2 examples.
  EXPECT_EQ(hash_of("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(hash_of(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(hash_of("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, RawDigestAndStreamAgreeWithTheHex) {
  const std::string text(3u << 20, 'x');  // over the stream's 1 MiB block
  const std::string expected = hash_of(text);
  std::istringstream stream("skip" + text);
  stream.seekg(4);
  EXPECT_EQ(sha256_stream_hex(stream), expected);
  const auto raw = sha256_digest({reinterpret_cast<const std::uint8_t*>("abc"), 3});
  EXPECT_EQ(raw[0], 0xba);
  EXPECT_EQ(raw[31], 0xad);
}

TEST(Sha256, HashesAFileAsTheRomManifestDoes) {
  const std::filesystem::path rom = std::filesystem::path(DREAMER_SHARED_DIR) / "roms/blargg/halt_bug.gb";
  if (!std::filesystem::exists(rom)) GTEST_SKIP() << "shared ROMs not found at " << rom << "; skipping";
  EXPECT_EQ(sha256_file_hex(rom), "ddebfb81f992132954a5580e16cfb97346a4e061c762634d7701328e23fea7c6");
}

}  // namespace
}  // namespace dreamer
