#include "common/hdf5/hdf5_seal.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/error.hpp"
#include "common/hdf5/hdf5_file.hpp"
#include "tests/common/scratch_dir_test.hpp"

namespace dreamer::hdf5 {
namespace {

namespace fs = std::filesystem;

class Hdf5Seal : public ScratchDirTest {
 protected:
  // A small sealed HDF5 file with one dataset.
  fs::path sealed_file() {
    const fs::path path = dir_ / "sealed.h5";
    {
      const Handle creation = seal_creation_properties();
      Handle file = create_file(path, creation.get());
      const std::vector<std::int64_t> values(1000, 7);
      write_dataset(file.get(), "values", ElementType::kInt64, {values.size()}, values.data());
      file.close();
    }
    seal_file(path);
    return path;
  }
  static std::string verify_error(const fs::path& path) {
    try {
      verify_seal(path, "replay dump");
    } catch (const Error& error) {
      return error.what();
    }
    return "";
  }
};

TEST_F(Hdf5Seal, SealedFileVerifiesAndStaysReadableByHdf5) {
  const fs::path path = sealed_file();
  EXPECT_EQ(verify_error(path), "");
  std::ifstream in(path, std::ios::binary);
  std::string head(27, '\0');
  in.read(head.data(), static_cast<std::streamsize>(head.size()));
  EXPECT_EQ(head, "DREAMER HDF5 SEAL 1\nsha256 ");
  const Handle file = open_file_read_only(path);  // HDF5 finds its superblock after the user block
  EXPECT_EQ(dataset_shape(file.get(), "values"), std::vector<hsize_t>{1000});
}

TEST_F(Hdf5Seal, OneFlippedByteAfterTheSealIsRefused) {
  const fs::path path = sealed_file();
  {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekg(static_cast<std::streamoff>(fs::file_size(path) - 100));
    const char byte = static_cast<char>(file.get());
    file.seekp(static_cast<std::streamoff>(fs::file_size(path) - 100));
    file.put(static_cast<char>(byte ^ 1));
  }
  EXPECT_NE(verify_error(path).find("does not match the SHA-256 in its integrity seal"), std::string::npos)
      << verify_error(path);
}

TEST_F(Hdf5Seal, TruncatedFileIsRefused) {
  const fs::path path = sealed_file();
  fs::resize_file(path, fs::file_size(path) - 1);
  EXPECT_NE(verify_error(path).find("damaged or truncated"), std::string::npos) << verify_error(path);
  fs::resize_file(path, 300);
  EXPECT_NE(verify_error(path).find("truncated to 300 bytes"), std::string::npos) << verify_error(path);
}

TEST_F(Hdf5Seal, UnsealedHdf5AndOtherFilesAreRefusedBeforeHdf5ReadsThem) {
  const fs::path plain = dir_ / "plain.h5";
  { Handle file = create_file(plain); }
  EXPECT_NE(verify_error(plain).find("not a replay dump of this format"), std::string::npos) << verify_error(plain);
  const fs::path text = dir_ / "notes.h5";
  std::ofstream(text) << "not hdf5\n";
  EXPECT_NE(verify_error(text).find("not an HDF5 file written by dreamer"), std::string::npos) << verify_error(text);
  const fs::path empty = dir_ / "empty.h5";
  std::ofstream{empty};
  EXPECT_NE(verify_error(empty).find("not an HDF5 file written by dreamer"), std::string::npos) << verify_error(empty);
}

}  // namespace
}  // namespace dreamer::hdf5
