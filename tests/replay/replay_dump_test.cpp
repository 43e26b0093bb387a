#include "replay/replay_dump.hpp"

#include <gtest/gtest.h>
#include <hdf5.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "common/error.hpp"
#include "common/hdf5/hdf5_seal.hpp"
#include "replay_test_steps.hpp"
#include "tests/common/scratch_dir_test.hpp"

namespace dreamer::replay {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class ReplayDump : public ScratchDirTest {
 protected:
  // A ring with both groups written (group 1 wrapped), a limiter with
  // counters and a sampler that has drawn a few batches.
  void fill() {
    testing::write_chunks(ring, 0, 5);
    testing::write_chunks(ring, 1, 17);
    // 32 steps fill to min size (owed 128), 16 more reach the upper edge 192.
    for (const std::int64_t steps : {32, 16}) {
      ASSERT_EQ(limiter.acquire_insert(steps, 0ms), LimiterStatus::kOk);
      limiter.complete_insert(steps);
    }
    ASSERT_EQ(limiter.acquire_sample(0ms), LimiterStatus::kOk);
    ASSERT_EQ(limiter.acquire_sample(0ms), LimiterStatus::kOk);
    SampleBatch batch(3, 8);
    for (int i = 0; i < 3; ++i) ASSERT_EQ(sampler.sample(batch.view()), SampleStatus::kOk);
  }

  // The replay every test saves, filled by fill().
  ReplayRing ring{testing::small_ring_options()};
  RateLimiter limiter{testing::small_ring_options()};
  SequenceSampler sampler{ring, 9};
};

TEST_F(ReplayDump, RoundTripRestoresRingCommitsLimiterAndSamplerRng) {
  fill();
  const fs::path path = dir_ / "replay.h5";
  save_replay_dump(path, ring, limiter, {&sampler});
  EXPECT_TRUE(fs::exists(path));
  EXPECT_FALSE(fs::exists(dir_ / "replay.h5.tmp"));

  ReplayRing restored(testing::small_ring_options());
  RateLimiter restored_limiter(testing::small_ring_options());
  SequenceSampler restored_sampler(restored, 1234);
  load_replay_dump(path, restored, restored_limiter, {&restored_sampler});

  const std::size_t rows = 4 * 40;
  const RingColumns a = ring.columns();
  const RingColumns b = restored.columns();
  EXPECT_EQ(std::memcmp(a.observations, b.observations, rows * ReplayRing::kObservationBytes), 0);
  EXPECT_EQ(std::memcmp(a.action, b.action, rows), 0);
  EXPECT_EQ(std::memcmp(a.reward, b.reward, rows * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(a.is_first, b.is_first, rows), 0);
  EXPECT_EQ(std::memcmp(a.is_terminal, b.is_terminal, rows), 0);
  EXPECT_EQ(std::memcmp(a.is_truncated, b.is_truncated, rows), 0);
  EXPECT_EQ(std::memcmp(a.continues, b.continues, rows * sizeof(float)), 0);
  EXPECT_EQ(std::memcmp(a.episode_id, b.episode_id, rows * sizeof(std::int64_t)), 0);
  EXPECT_EQ(std::memcmp(a.stamp, b.stamp, rows * sizeof(std::uint64_t)), 0);
  EXPECT_EQ(restored.fence(0).committed_steps(), 20u);
  EXPECT_EQ(restored.fence(1).committed_steps(), 68u);
  EXPECT_EQ(restored_limiter.counters().inserts, 48);
  EXPECT_EQ(restored_limiter.counters().samples, 2);
  EXPECT_EQ(restored_sampler.rng_state(), sampler.rng_state());

  // Resumed sampling and writing continue exactly where the original would.
  SampleBatch original_batch(3, 8), restored_batch(3, 8);
  ASSERT_EQ(sampler.sample(original_batch.view()), SampleStatus::kOk);
  ASSERT_EQ(restored_sampler.sample(restored_batch.view()), SampleStatus::kOk);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(original_batch.view().stream[i], restored_batch.view().stream[i]);
    EXPECT_EQ(original_batch.view().start_step[i], restored_batch.view().start_step[i]);
  }
  EXPECT_EQ(restored.begin_chunk(1), 68u);
  restored.publish_chunk(1);
}

TEST_F(ReplayDump, SavingAgainReplacesTheFileAtomically) {
  fill();
  const fs::path path = dir_ / "replay.h5";
  save_replay_dump(path, ring, limiter, {&sampler});
  testing::write_chunks(ring, 0, 1);
  save_replay_dump(path, ring, limiter, {});
  ReplayRing restored(testing::small_ring_options());
  RateLimiter restored_limiter(testing::small_ring_options());
  load_replay_dump(path, restored, restored_limiter, {});
  EXPECT_EQ(restored.fence(0).committed_steps(), 24u);
  EXPECT_EQ(std::distance(fs::directory_iterator(dir_), fs::directory_iterator()), 1);
}

std::string load_error(const fs::path& path, const ReplayOptions& options) {
  ReplayRing ring(options);
  RateLimiter limiter(options);
  try {
    load_replay_dump(path, ring, limiter, {});
  } catch (const Error& error) {
    return error.what();
  }
  return "";
}

TEST_F(ReplayDump, IncompatibleConfigIsRejectedNamingTheField) {
  fill();
  const fs::path path = dir_ / "replay.h5";
  save_replay_dump(path, ring, limiter, {&sampler});
  ReplayOptions other = testing::small_ring_options();
  other.capacity = 48;
  const std::string message = load_error(path, other);
  EXPECT_NE(message.find("capacity"), std::string::npos) << message;
  EXPECT_NE(message.find("40"), std::string::npos) << message;
  EXPECT_NE(message.find(path.string()), std::string::npos) << message;
  // Options that do not shape the ring may change.
  ReplayOptions compatible = testing::small_ring_options();
  compatible.train_ratio = 8.0;
  compatible.error_buffer = 128.0;
  EXPECT_EQ(load_error(path, compatible), "");
}

TEST_F(ReplayDump, TruncatedAndForeignFilesGiveClearErrors) {
  fill();
  const fs::path path = dir_ / "replay.h5";
  save_replay_dump(path, ring, limiter, {&sampler});

  for (const double fraction : {0.5, 0.9, 0.001}) {
    const fs::path truncated = dir_ / "truncated.h5";
    fs::copy_file(path, truncated, fs::copy_options::overwrite_existing);
    fs::resize_file(truncated, static_cast<std::uintmax_t>(fs::file_size(path) * fraction));
    const std::string message = load_error(truncated, testing::small_ring_options());
    EXPECT_NE(message.find("replay dump '"), std::string::npos) << fraction << ": " << message;
  }

  const fs::path text = dir_ / "notes.h5";
  std::ofstream(text) << "not hdf5\n";
  EXPECT_NE(load_error(text, testing::small_ring_options()).find("not an HDF5 file"), std::string::npos);

  const fs::path foreign = dir_ / "foreign.h5";
  const hid_t file = H5Fcreate(foreign.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  ASSERT_GE(file, 0);
  H5Fclose(file);
  EXPECT_NE(load_error(foreign, testing::small_ring_options()).find("not a replay dump"), std::string::npos);

  EXPECT_NE(load_error(dir_ / "absent.h5", testing::small_ring_options()).find("no such file"), std::string::npos);
}

// What --resume checks before any role starts: a whole dump passes, a cut
// one fails with the loader's wording, naming the file.
TEST_F(ReplayDump, VerifyPassesAWholeDumpAndRefusesACutOne) {
  fill();
  const fs::path path = dir_ / "replay.h5";
  save_replay_dump(path, ring, limiter, {&sampler});
  EXPECT_NO_THROW(verify_replay_dump(path));
  const fs::path cut = dir_ / "cut.h5";
  fs::copy_file(path, cut);
  fs::resize_file(cut, fs::file_size(path) / 2);
  try {
    verify_replay_dump(cut);
    ADD_FAILURE() << "a dump cut in half passed";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("replay dump '" + cut.string() + "': "), std::string::npos)
        << error.what();
    EXPECT_NE(std::string(error.what()).find("integrity seal"), std::string::npos) << error.what();
  }
}

TEST_F(ReplayDump, WrongDatasetShapeIsNamedAndLeavesTheRingUntouched) {
  fill();
  const fs::path path = dir_ / "replay.h5";
  save_replay_dump(path, ring, limiter, {&sampler});
  {
    // Replace /stamp by a [4, 39] dataset.
    const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT);
    ASSERT_GE(file, 0);
    ASSERT_GE(H5Ldelete(file, "stamp", H5P_DEFAULT), 0);
    const hsize_t dims[2] = {4, 39};
    const hid_t space = H5Screate_simple(2, dims, nullptr);
    const hid_t dataset = H5Dcreate2(file, "stamp", H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
    ASSERT_GE(dataset, 0);
    H5Dclose(dataset);
    H5Sclose(space);
    H5Fclose(file);
    hdf5::seal_file(path);  // a well-formed file of the wrong shape, as a writer of another layout would make
  }
  ReplayRing target(testing::small_ring_options());
  RateLimiter target_limiter(testing::small_ring_options());
  try {
    load_replay_dump(path, target, target_limiter, {});
    FAIL() << "a [4, 39] stamp dataset was accepted";
  } catch (const Error& error) {
    EXPECT_NE(std::string(error.what()).find("dataset '/stamp' has shape [4, 39], expected [4, 40]"), std::string::npos)
        << error.what();
  }
  EXPECT_EQ(target.fence(0).committed_steps(), 0u);
  EXPECT_EQ(target.columns().stamp[0], ReplayRing::kNeverWritten);
  EXPECT_EQ(target.columns().observations[100], 0);
  EXPECT_EQ(target_limiter.counters().inserts, 0);
}

// Runs `command`, returns its stdout and sets `status` to the exit status.
std::string run_command(const std::string& command, int& status) {
  std::string output;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) {
    status = -1;
    return output;
  }
  std::array<char, 4096> buffer;
  std::size_t got;
  while ((got = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) output.append(buffer.data(), got);
  status = ::pclose(pipe);
  return output;
}

TEST_F(ReplayDump, H5dumpShowsTheDocumentedLayout) {
  int status = 0;
  run_command("command -v h5dump >/dev/null 2>&1", status);
  if (status != 0) GTEST_SKIP() << "h5dump is not installed (apt-get install hdf5-tools)";
  fill();
  const fs::path path = dir_ / "replay.h5";
  save_replay_dump(path, ring, limiter, {&sampler});
  const std::string header = run_command("h5dump -H '" + path.string() + "'", status);
  ASSERT_EQ(status, 0) << header;
  for (const char* expected :
       {"DATASET \"obs\"", "H5T_STD_U8LE", "( 4, 40, 72, 20 )", "DATASET \"stamp\"", "H5T_STD_U64LE",
        "DATASET \"continue\"", "H5T_IEEE_F32LE", "DATASET \"episode_id\"", "H5T_STD_I64LE",
        "DATASET \"committed_steps\"", "( 2 )", "DATASET \"write_position\"", "GROUP \"limiter\"",
        "ATTRIBUTE \"inserts\"", "ATTRIBUTE \"format\"", "DATASET \"config\"", "DATASET \"sampler_rng_state\""}) {
    EXPECT_NE(header.find(expected), std::string::npos) << "missing " << expected << "\n" << header;
  }
}

TEST_F(ReplayDump, H5pyReadsTheDumpAsDocumented) {
  // The build's Python (launch/setup.sh puts h5py into .venv), else the
  // environment's DREAMER_PYTHON, else python3.
  const char* configured = std::getenv("DREAMER_PYTHON");
  std::string python = configured != nullptr ? configured : "python3";
#if defined(DREAMER_PYTHON_EXE)
  if (configured == nullptr) python = DREAMER_PYTHON_EXE;
#endif
  int status = 0;
  run_command(python + " -c 'import h5py' >/dev/null 2>&1", status);
  if (status != 0) GTEST_SKIP() << "'" << python << "' cannot import h5py (set DREAMER_PYTHON to a python that can)";
  fill();
  const fs::path path = dir_ / "replay.h5";
  save_replay_dump(path, ring, limiter, {&sampler});
  // Stream 3 belongs to group 1 (68 steps committed): step 67 sits in slot
  // 67 % 40 = 27; its observation starts with the 8-byte key (3 << 40) ^ 67.
  const std::string script = R"PY(
import json, sys, h5py
f = h5py.File(sys.argv[1], 'r')
assert f.attrs['format'] in (b'dreamer_replay_dump', 'dreamer_replay_dump'), f.attrs['format']
assert f['obs'].shape == (4, 40, 72, 20) and f['obs'].dtype == 'uint8'
assert f['stamp'][3, 27] == 67, f['stamp'][3, 27]
key = int.from_bytes(bytes(f['obs'][3, 27].reshape(-1)[:8]), 'little')
assert key == (3 << 40) ^ 67, hex(key)
assert list(f['committed_steps'][:]) == [20, 68]
assert list(f['write_position'][:]) == [20, 20, 28, 28]
written = f['stamp'][:] != 2**64 - 1
assert written.sum() == 2 * 20 + 2 * 40, written.sum()
assert (f['continue'][:][written] == 1.0 - f['is_terminal'][:][written]).all()
config = f['config'][()]
config = json.loads(config.decode() if isinstance(config, bytes) else config)
assert config['replay']['capacity'] == 40
assert f['limiter'].attrs['inserts'] == 48 and f['limiter'].attrs['samples'] == 2
assert f['sampler_rng_state'].shape == (1,)
print('h5py ok')
)PY";
  const fs::path script_path = dir_ / "check.py";
  std::ofstream(script_path) << script;
  const std::string output =
      run_command(python + " '" + script_path.string() + "' '" + path.string() + "' 2>&1", status);
  EXPECT_EQ(status, 0) << output;
  EXPECT_NE(output.find("h5py ok"), std::string::npos) << output;
}

}  // namespace
}  // namespace dreamer::replay
