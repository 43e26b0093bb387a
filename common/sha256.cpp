#include "common/sha256.hpp"

#include <openssl/evp.h>

#include <memory>
#include <vector>

#include "common/error.hpp"
#include "common/file_io.hpp"

namespace dreamer {
namespace {

using Digest = std::array<std::uint8_t, 32>;
using Context = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

Context begin_digest() {
  Context context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) != 1)
    throw Error("OpenSSL EVP_DigestInit_ex(sha256) failed");
  return context;
}

void add_to_digest(const Context& context, const void* data, std::size_t size) {
  if (EVP_DigestUpdate(context.get(), data, size) != 1) throw Error("OpenSSL EVP_DigestUpdate(sha256) failed");
}

Digest finish_digest(const Context& context) {
  Digest digest{};
  unsigned int length = 0;
  if (EVP_DigestFinal_ex(context.get(), digest.data(), &length) != 1 || length != digest.size())
    throw Error("OpenSSL EVP_DigestFinal_ex(sha256) failed");
  return digest;
}

std::string hex(const Digest& digest) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string text;
  text.reserve(2 * digest.size());
  for (const std::uint8_t byte : digest) {
    text.push_back(kHex[byte >> 4]);
    text.push_back(kHex[byte & 15]);
  }
  return text;
}

}  // namespace

Digest sha256_digest(std::span<const std::uint8_t> bytes) {
  const Context context = begin_digest();
  add_to_digest(context, bytes.data(), bytes.size());
  return finish_digest(context);
}

std::string sha256_hex(std::span<const std::uint8_t> bytes) { return hex(sha256_digest(bytes)); }

std::string sha256_file_hex(const std::filesystem::path& path) { return sha256_hex(read_file_bytes(path)); }

std::string sha256_stream_hex(std::istream& in) {
  const Context context = begin_digest();
  std::vector<char> block(std::size_t{1} << 20);
  while (in) {
    in.read(block.data(), static_cast<std::streamsize>(block.size()));
    if (in.gcount() > 0) add_to_digest(context, block.data(), static_cast<std::size_t>(in.gcount()));
  }
  if (in.bad()) throw Error("read error while hashing");
  return hex(finish_digest(context));
}

}  // namespace dreamer
