#include "common/hdf5/hdf5_seal.hpp"

#include <fstream>
#include <string_view>

#include "common/error.hpp"
#include "common/hdf5/hdf5_check.hpp"
#include "common/sha256.hpp"

namespace dreamer::hdf5 {
namespace {

constexpr std::string_view kSealPrefix = "DREAMER HDF5 SEAL 1\nsha256 ";
constexpr std::string_view kHdf5Signature = "\x89HDF\r\n\x1a\n";
constexpr std::size_t kDigestHex = 64;

// SHA-256 of the file from kSealBytes to its end, as lowercase hex.
std::string content_digest(std::istream& in) {
  in.seekg(static_cast<std::streamoff>(kSealBytes));
  return sha256_stream_hex(in);
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
  Handle properties(DREAMER_CHECK_HDF5(H5Pcreate(H5P_FILE_CREATE)), H5Pclose);
  DREAMER_CHECK_HDF5(H5Pset_userblock(properties.get(), kSealBytes));
  return properties;
}

void seal_file(const std::filesystem::path& path) {
  std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
  if (!file) throw Error("cannot open '" + path.string() + "' to seal it");
  std::string block(kSealPrefix);
  block += content_digest(file) + "\n";
  block.resize(kSealBytes, '\0');
  file.clear();  // the digest read to the end of the file
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
