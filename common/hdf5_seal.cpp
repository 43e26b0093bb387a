#include "common/hdf5_seal.hpp"

#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <fstream>
#include <memory>
#include <string_view>
#include <vector>

#include "common/error.hpp"
#include "common/hdf5_check.hpp"

namespace dreamer::hdf5 {
namespace {

constexpr std::string_view kSealPrefix = "DREAMER HDF5 SEAL 1\nsha256 ";
constexpr std::string_view kHdf5Signature = "\x89HDF\r\n\x1a\n";
constexpr std::size_t kDigestHex = 64;

// SHA-256 of the file from kSealBytes to its end, as lowercase hex.
std::string content_digest(std::ifstream& in) {
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
    throw Error("OpenSSL EVP_DigestInit_ex(sha256) failed");
  in.seekg(static_cast<std::streamoff>(kSealBytes));
  std::vector<char> buffer(std::size_t{1} << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    if (in.gcount() > 0 && EVP_DigestUpdate(context.get(), buffer.data(), static_cast<std::size_t>(in.gcount())) != 1)
      throw Error("OpenSSL EVP_DigestUpdate failed");
  }
  if (in.bad()) throw Error("read error while checking the integrity seal");
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1) throw Error("OpenSSL EVP_DigestFinal_ex failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 15]);
  }
  return hex;
}

// Compares every byte whatever the first difference (digest comparison).
bool same_digest(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char difference = 0;
  for (std::size_t i = 0; i < a.size(); ++i) difference |= static_cast<unsigned char>(a[i] ^ b[i]);
  return difference == 0;
}

}  // namespace

Handle seal_creation_properties() {
  Handle properties(DREAMER_CHECK_HDF5(H5Pcreate(H5P_FILE_CREATE)));
  DREAMER_CHECK_HDF5(H5Pset_userblock(properties.get(), kSealBytes));
  return properties;
}

void seal_file(const std::filesystem::path& path) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  if (!file) throw Error("cannot open '" + path.string() + "' to seal it");
  std::ifstream in(path, std::ios::binary);
  const std::string digest = content_digest(in);
  std::string block(kSealPrefix);
  block += digest + "\n";
  block.resize(kSealBytes, '\0');
  file.seekp(0);
  file.write(block.data(), static_cast<std::streamsize>(block.size()));
  file.close();
  if (!file) throw Error("cannot write the integrity seal of '" + path.string() + "'");
}

void verify_seal(const std::filesystem::path& path, const std::string& kind) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw Error("cannot open the file");
  std::string block(kSealBytes, '\0');
  in.read(block.data(), static_cast<std::streamsize>(block.size()));
  const auto got = static_cast<std::size_t>(in.gcount());
  in.clear();
  if (block.compare(0, kHdf5Signature.size(), kHdf5Signature) == 0 && got >= kHdf5Signature.size())
    throw Error("not a " + kind + " of this format (an HDF5 file without dreamer's integrity seal)");
  if (block.compare(0, kSealPrefix.size(), kSealPrefix) != 0)
    throw Error("not an HDF5 file written by dreamer (no integrity seal in its first " + std::to_string(kSealBytes) +
                " bytes)");
  if (got < kSealBytes) throw Error("truncated to " + std::to_string(got) + " bytes, inside its integrity seal");
  const std::string_view stored(block.data() + kSealPrefix.size(), kDigestHex);
  if (!same_digest(content_digest(in), stored))
    throw Error("damaged or truncated: its content does not match the SHA-256 in its integrity seal");
}

}  // namespace dreamer::hdf5
