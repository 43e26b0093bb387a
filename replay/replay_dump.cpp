#include "replay/replay_dump.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <random>
#include <sstream>
#include <string>
#include <utility>

#include <cereal/archives/json.hpp>

#include "common/call_error.hpp"
#include "common/error.hpp"
#include "common/hdf5_check.hpp"
#include "common/hdf5_seal.hpp"

namespace dreamer::replay {
namespace {

// Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, -1)), closer_(other.closer_) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  Handle& operator=(Handle&&) = delete;
  ~Handle() {
    if (id_ >= 0) closer_(id_);
  }
  hid_t get() const { return id_; }
  // Closes now and returns the close call's result (for handles whose close
  // can fail meaningfully, such as a file being written).
  herr_t close() { return closer_(std::exchange(id_, -1)); }

 private:
  hid_t id_;
  Closer closer_;
};

std::string options_json(const ReplayOptions& options) {
  std::ostringstream text;
  {
    cereal::JSONOutputArchive archive(text);
    archive(cereal::make_nvp("replay", options));
  }
  return text.str();
}

ReplayOptions options_from_json(const std::string& json) {
  std::istringstream text(json);
  ReplayOptions options;
  cereal::JSONInputArchive archive(text);
  archive(cereal::make_nvp("replay", options));
  return options;
}

// --- writing ---

Handle string_type(std::size_t length) {
  Handle type(DREAMER_CHECK_HDF5(H5Tcopy(H5T_C_S1)), H5Tclose);
  DREAMER_CHECK_HDF5(H5Tset_size(type.get(), std::max<std::size_t>(length, 1)));
  DREAMER_CHECK_HDF5(H5Tset_strpad(type.get(), H5T_STR_NULLPAD));
  DREAMER_CHECK_HDF5(H5Tset_cset(type.get(), H5T_CSET_UTF8));
  return type;
}

void write_string(hid_t file, const char* name, const std::string& value) {
  Handle type = string_type(value.size());
  Handle space(DREAMER_CHECK_HDF5(H5Screate(H5S_SCALAR)), H5Sclose);
  Handle dataset(
      DREAMER_CHECK_HDF5(H5Dcreate2(file, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)),
      H5Dclose);
  std::string padded = value;
  padded.resize(std::max<std::size_t>(value.size(), 1), '\0');
  DREAMER_CHECK_HDF5(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data()));
}

void write_strings(hid_t file, const char* name, const std::vector<std::string>& values) {
  std::size_t longest = 1;
  for (const std::string& value : values) longest = std::max(longest, value.size());
  Handle type = string_type(longest);
  const hsize_t count = values.size();
  Handle space(DREAMER_CHECK_HDF5(H5Screate_simple(1, &count, nullptr)), H5Sclose);
  Handle dataset(
      DREAMER_CHECK_HDF5(H5Dcreate2(file, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)),
      H5Dclose);
  std::vector<char> packed(longest * values.size() + 1, '\0');
  for (std::size_t i = 0; i < values.size(); ++i)
    std::memcpy(packed.data() + i * longest, values[i].data(), values[i].size());
  if (!values.empty()) {
    DREAMER_CHECK_HDF5(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()));
  }
}

template <std::size_t Rank>
void write_array(hid_t file, const char* name, hid_t file_type, hid_t memory_type,
                 const std::array<hsize_t, Rank>& dims, const void* data, bool compress) {
  Handle space(DREAMER_CHECK_HDF5(H5Screate_simple(Rank, dims.data(), nullptr)), H5Sclose);
  Handle properties(DREAMER_CHECK_HDF5(H5Pcreate(H5P_DATASET_CREATE)), H5Pclose);
  if (compress) {
    // One chunk = up to 64 frames of one stream.
    std::array<hsize_t, Rank> chunk = dims;
    chunk[0] = 1;
    chunk[1] = std::min<hsize_t>(dims[1], 64);
    DREAMER_CHECK_HDF5(H5Pset_chunk(properties.get(), Rank, chunk.data()));
    DREAMER_CHECK_HDF5(H5Pset_deflate(properties.get(), 1));
  }
  Handle dataset(
      DREAMER_CHECK_HDF5(H5Dcreate2(file, name, file_type, space.get(), H5P_DEFAULT, properties.get(), H5P_DEFAULT)),
      H5Dclose);
  DREAMER_CHECK_HDF5(H5Dwrite(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
}

template <class T>
void write_attribute(hid_t object, const char* name, hid_t type, const T& value) {
  Handle space(DREAMER_CHECK_HDF5(H5Screate(H5S_SCALAR)), H5Sclose);
  Handle attribute(DREAMER_CHECK_HDF5(H5Acreate2(object, name, type, space.get(), H5P_DEFAULT, H5P_DEFAULT)), H5Aclose);
  DREAMER_CHECK_HDF5(H5Awrite(attribute.get(), type, &value));
}

void write_string_attribute(hid_t object, const char* name, const std::string& value) {
  Handle type = string_type(value.size());
  Handle space(DREAMER_CHECK_HDF5(H5Screate(H5S_SCALAR)), H5Sclose);
  Handle attribute(DREAMER_CHECK_HDF5(H5Acreate2(object, name, type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT)),
                   H5Aclose);
  DREAMER_CHECK_HDF5(H5Awrite(attribute.get(), type.get(), value.data()));
}

void fsync_path(const std::filesystem::path& path, int flags) {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) throw Error("replay dump: cannot open '" + path.string() + "' to fsync: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int saved_errno = errno;
  ::close(fd);
  if (rc != 0) throw Error("replay dump: fsync of '" + path.string() + "' failed: " + std::strerror(saved_errno));
}

// --- reading ---

// Ceiling on the bytes a string attribute or dataset may declare: a config
// is a few hundred bytes, a sampler's RNG state ~6 KiB. A damaged file can
// declare gigabytes, which must be refused, not allocated.
constexpr std::size_t kMaxStringBytes = std::size_t{16} << 20;

bool has_attribute(hid_t object, const char* name) { return DREAMER_CHECK_HDF5(H5Aexists(object, name)) > 0; }

std::string read_string_attribute(hid_t object, const char* name) {
  Handle attribute(DREAMER_CHECK_HDF5(H5Aopen(object, name, H5P_DEFAULT)), H5Aclose);
  Handle type(DREAMER_CHECK_HDF5(H5Aget_type(attribute.get())), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0)
    throw Error(std::string("attribute '") + name + "' is not a fixed-length string");
  const std::size_t length = H5Tget_size(type.get());
  if (length > kMaxStringBytes)
    throw Error(std::string("attribute '") + name + "' declares " + std::to_string(length) + " bytes, over " +
                std::to_string(kMaxStringBytes));
  std::string value(length, '\0');
  DREAMER_CHECK_HDF5(H5Aread(attribute.get(), type.get(), value.data()));
  value.resize(std::strlen(value.c_str()));
  return value;
}

template <class T>
T read_attribute(hid_t object, const char* name, hid_t memory_type) {
  Handle attribute(DREAMER_CHECK_HDF5(H5Aopen(object, name, H5P_DEFAULT)), H5Aclose);
  T value{};
  DREAMER_CHECK_HDF5(H5Aread(attribute.get(), memory_type, &value));
  return value;
}

Handle open_dataset(hid_t file, const char* name) {
  if (DREAMER_CHECK_HDF5(H5Lexists(file, name, H5P_DEFAULT)) <= 0)
    throw Error(std::string("dataset '") + name + "' is missing");
  return Handle(DREAMER_CHECK_HDF5(H5Dopen2(file, name, H5P_DEFAULT)), H5Dclose);
}

std::vector<hsize_t> dataset_dims(hid_t dataset) {
  Handle space(DREAMER_CHECK_HDF5(H5Dget_space(dataset)), H5Sclose);
  const int rank = DREAMER_CHECK_HDF5(H5Sget_simple_extent_ndims(space.get()));
  std::vector<hsize_t> dims(static_cast<std::size_t>(rank));
  if (rank > 0) DREAMER_CHECK_HDF5(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr));
  return dims;
}

std::string dims_text(const std::vector<hsize_t>& dims) {
  std::string text = "[";
  for (std::size_t i = 0; i < dims.size(); ++i) text += (i ? ", " : "") + std::to_string(dims[i]);
  return text + "]";
}

void read_array(hid_t file, const char* name, hid_t memory_type, const std::vector<hsize_t>& expected_dims,
                void* data) {
  Handle dataset = open_dataset(file, name);
  const std::vector<hsize_t> dims = dataset_dims(dataset.get());
  if (dims != expected_dims)
    throw Error(std::string("dataset '") + name + "' has shape " + dims_text(dims) + ", expected " +
                dims_text(expected_dims));
  DREAMER_CHECK_HDF5(H5Dread(dataset.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
}

std::string read_string(hid_t file, const char* name) {
  Handle dataset = open_dataset(file, name);
  Handle type(DREAMER_CHECK_HDF5(H5Dget_type(dataset.get())), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0 ||
      !dataset_dims(dataset.get()).empty())
    throw Error(std::string("dataset '") + name + "' is not a fixed-length string scalar");
  std::string value(H5Tget_size(type.get()), '\0');
  DREAMER_CHECK_HDF5(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, value.data()));
  value.resize(std::strlen(value.c_str()));
  return value;
}

std::vector<std::string> read_strings(hid_t file, const char* name) {
  Handle dataset = open_dataset(file, name);
  Handle type(DREAMER_CHECK_HDF5(H5Dget_type(dataset.get())), H5Tclose);
  const std::vector<hsize_t> dims = dataset_dims(dataset.get());
  if (H5Tget_class(type.get()) != H5T_STRING || H5Tis_variable_str(type.get()) > 0 || dims.size() != 1)
    throw Error(std::string("dataset '") + name + "' is not a 1-D fixed-length string array");
  const std::size_t length = H5Tget_size(type.get());
  if (length == 0 || dims[0] > kMaxStringBytes / length)
    throw Error(std::string("dataset '") + name + "' declares " + std::to_string(dims[0]) + " strings of " +
                std::to_string(length) + " bytes, over " + std::to_string(kMaxStringBytes) + " bytes in all");
  std::vector<char> packed(length * dims[0] + 1, '\0');
  if (dims[0] > 0) DREAMER_CHECK_HDF5(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()));
  std::vector<std::string> values;
  for (hsize_t i = 0; i < dims[0]; ++i) {
    const char* begin = packed.data() + i * length;
    values.emplace_back(begin, strnlen(begin, length));
  }
  return values;
}

void require_same(const char* field, std::int64_t in_file, std::int64_t in_ring) {
  if (in_file != in_ring)
    throw Error(std::string("config field '") + field + "' is " + std::to_string(in_file) + " in the dump but " +
                std::to_string(in_ring) + " in this run's config (the ring's shape must match)");
}

void save(const std::filesystem::path& path, const ReplayRing& ring, const RateLimiter& limiter,
          const std::vector<const SequenceSampler*>& samplers, const std::uint8_t* external_observations) {
  const bool host = ring.observation_home() == ObservationHome::kHost;
  DREAMER_ASSERT(host == (external_observations == nullptr),
                 "a replay dump takes the observations from the ring, or a host copy of them for an external ring");
  const ReplayOptions& options = ring.options();
  const auto streams = static_cast<hsize_t>(options.num_streams);
  const auto capacity = static_cast<hsize_t>(options.capacity);
  const RingColumns columns = ring.columns();

  const hdf5::Handle creation = hdf5::seal_creation_properties();
  Handle file(DREAMER_CHECK_HDF5(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, creation.get(), H5P_DEFAULT)), H5Fclose);
  write_string_attribute(file.get(), "format", kReplayDumpFormat);
  write_attribute(file.get(), "format_version", H5T_NATIVE_INT, kReplayDumpVersion);
  write_string(file.get(), "config", options_json(options));

  const std::array<hsize_t, 4> frame_dims{streams, capacity, static_cast<hsize_t>(packed2::kHeight),
                                          static_cast<hsize_t>(packed2::kBytesPerRow)};
  write_array(file.get(), "obs", H5T_STD_U8LE, H5T_NATIVE_UINT8, frame_dims,
              host ? columns.observations : external_observations, true);
  const std::array<hsize_t, 2> step_dims{streams, capacity};
  write_array(file.get(), "action", H5T_STD_U8LE, H5T_NATIVE_UINT8, step_dims, columns.action, false);
  write_array(file.get(), "reward", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, step_dims, columns.reward, false);
  write_array(file.get(), "is_first", H5T_STD_U8LE, H5T_NATIVE_UINT8, step_dims, columns.is_first, false);
  write_array(file.get(), "is_terminal", H5T_STD_U8LE, H5T_NATIVE_UINT8, step_dims, columns.is_terminal, false);
  write_array(file.get(), "is_truncated", H5T_STD_U8LE, H5T_NATIVE_UINT8, step_dims, columns.is_truncated, false);
  write_array(file.get(), "continue", H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, step_dims, columns.continues, false);
  write_array(file.get(), "episode_id", H5T_STD_I64LE, H5T_NATIVE_INT64, step_dims, columns.episode_id, false);
  write_array(file.get(), "stamp", H5T_STD_U64LE, H5T_NATIVE_UINT64, step_dims, columns.stamp, false);

  std::vector<std::uint64_t> committed(static_cast<std::size_t>(options.writer_groups));
  for (int group = 0; group < options.writer_groups; ++group)
    committed[static_cast<std::size_t>(group)] = ring.fence(group).committed_steps();
  std::vector<std::uint64_t> write_position(static_cast<std::size_t>(options.num_streams));
  for (int stream = 0; stream < options.num_streams; ++stream)
    write_position[static_cast<std::size_t>(stream)] =
        committed[static_cast<std::size_t>(ring.group_of(stream))] % capacity;
  write_array(file.get(), "committed_steps", H5T_STD_U64LE, H5T_NATIVE_UINT64, std::array<hsize_t, 1>{committed.size()},
              committed.data(), false);
  write_array(file.get(), "write_position", H5T_STD_U64LE, H5T_NATIVE_UINT64,
              std::array<hsize_t, 1>{write_position.size()}, write_position.data(), false);

  const RateLimiterCounters counters = limiter.counters();
  DREAMER_ASSERT(counters.pending_inserts == 0, "replay dump while an insert is pending");
  Handle limiter_group(DREAMER_CHECK_HDF5(H5Gcreate2(file.get(), "limiter", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)),
                       H5Gclose);
  write_attribute(limiter_group.get(), "inserts", H5T_NATIVE_INT64, counters.inserts);
  write_attribute(limiter_group.get(), "samples", H5T_NATIVE_INT64, counters.samples);
  write_attribute(limiter_group.get(), "train_ratio", H5T_NATIVE_DOUBLE, limiter.target_replay_ratio());
  write_attribute(limiter_group.get(), "replayed_steps_per_sample", H5T_NATIVE_INT64,
                  limiter.replayed_steps_per_sample());

  std::vector<std::string> rng_states;
  for (const SequenceSampler* sampler : samplers) rng_states.push_back(sampler->rng_state());
  write_strings(file.get(), "sampler_rng_state", rng_states);
  DREAMER_CHECK_HDF5(limiter_group.close());
  DREAMER_CHECK_HDF5(H5Fflush(file.get(), H5F_SCOPE_GLOBAL));
  DREAMER_CHECK_HDF5(file.close());
}

void load(const std::filesystem::path& path, ReplayRing& ring, RateLimiter& limiter,
          const std::vector<SequenceSampler*>& samplers, std::uint8_t* external_observations) {
  std::error_code exists_error;
  if (!std::filesystem::is_regular_file(path, exists_error)) throw Error("no such file");
  hdf5::verify_seal(path, "replay dump");  // before HDF5 parses anything of it
  Handle file(DREAMER_CHECK_HDF5(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT)), H5Fclose);
  if (!has_attribute(file.get(), "format") || read_string_attribute(file.get(), "format") != kReplayDumpFormat)
    throw Error(std::string("not a replay dump (root attribute 'format' is not '") + kReplayDumpFormat + "')");
  const int version = read_attribute<int>(file.get(), "format_version", H5T_NATIVE_INT);
  if (version != kReplayDumpVersion)
    throw Error("format_version " + std::to_string(version) + " is not supported (this build reads " +
                std::to_string(kReplayDumpVersion) + ")");

  ReplayOptions stored;
  try {
    stored = options_from_json(read_string(file.get(), "config"));
  } catch (const cereal::Exception& error) {
    throw Error(std::string("dataset 'config' is not a replay config: ") + error.what());
  }
  const ReplayOptions& options = ring.options();
  require_same("num_streams", stored.num_streams, options.num_streams);
  require_same("writer_groups", stored.writer_groups, options.writer_groups);
  require_same("capacity", stored.capacity, options.capacity);
  require_same("commit_stride", stored.commit_stride, options.commit_stride);

  const auto streams = static_cast<hsize_t>(options.num_streams);
  const auto capacity = static_cast<hsize_t>(options.capacity);
  const std::vector<hsize_t> step_dims{streams, capacity};
  std::vector<std::uint64_t> committed(static_cast<std::size_t>(options.writer_groups));
  read_array(file.get(), "committed_steps", H5T_NATIVE_UINT64, {committed.size()}, committed.data());
  for (std::uint64_t count : committed) {
    if (count % static_cast<std::uint64_t>(options.commit_stride) != 0)
      throw Error("committed_steps " + std::to_string(count) + " is not a multiple of commit_stride");
  }
  Handle limiter_group(DREAMER_CHECK_HDF5(H5Gopen2(file.get(), "limiter", H5P_DEFAULT)), H5Gclose);
  const auto inserts = read_attribute<std::int64_t>(limiter_group.get(), "inserts", H5T_NATIVE_INT64);
  const auto samples = read_attribute<std::int64_t>(limiter_group.get(), "samples", H5T_NATIVE_INT64);
  if (inserts < 0 || samples < 0) throw Error("limiter counters are negative");
  const std::vector<std::string> rng_states = read_strings(file.get(), "sampler_rng_state");
  if (!samplers.empty() && samplers.size() != rng_states.size())
    throw Error("the dump holds " + std::to_string(rng_states.size()) + " sampler RNG states but " +
                std::to_string(samplers.size()) + " samplers were given");

  for (const std::string& state : rng_states) {
    std::istringstream text(state);
    std::mt19937_64 parsed;
    text >> parsed;
    if (text.fail()) throw Error("dataset 'sampler_rng_state' holds a malformed generator state");
  }
  // Check every shape before touching the ring, so that a bad file leaves it
  // as it was.
  const std::vector<hsize_t> frame_dims{streams, capacity, static_cast<hsize_t>(packed2::kHeight),
                                        static_cast<hsize_t>(packed2::kBytesPerRow)};
  for (const char* name :
       {"action", "reward", "is_first", "is_terminal", "is_truncated", "continue", "episode_id", "stamp", "obs"}) {
    const std::vector<hsize_t> expected = std::strcmp(name, "obs") == 0 ? frame_dims : step_dims;
    const std::vector<hsize_t> dims = dataset_dims(open_dataset(file.get(), name).get());
    if (dims != expected)
      throw Error(std::string("dataset '") + name + "' has shape " + dims_text(dims) + ", expected " +
                  dims_text(expected));
  }

  MutableRingColumns columns = ring.mutable_columns();
  const bool host = ring.observation_home() == ObservationHome::kHost;
  DREAMER_ASSERT(host == (external_observations == nullptr),
                 "a replay dump loads the observations into the ring, or into a host buffer for an external ring");
  read_array(file.get(), "obs", H5T_NATIVE_UINT8, frame_dims, host ? columns.observations : external_observations);
  read_array(file.get(), "action", H5T_NATIVE_UINT8, step_dims, columns.action);
  read_array(file.get(), "reward", H5T_NATIVE_FLOAT, step_dims, columns.reward);
  read_array(file.get(), "is_first", H5T_NATIVE_UINT8, step_dims, columns.is_first);
  read_array(file.get(), "is_terminal", H5T_NATIVE_UINT8, step_dims, columns.is_terminal);
  read_array(file.get(), "is_truncated", H5T_NATIVE_UINT8, step_dims, columns.is_truncated);
  read_array(file.get(), "continue", H5T_NATIVE_FLOAT, step_dims, columns.continues);
  read_array(file.get(), "episode_id", H5T_NATIVE_INT64, step_dims, columns.episode_id);
  read_array(file.get(), "stamp", H5T_NATIVE_UINT64, step_dims, columns.stamp);

  for (int group = 0; group < options.writer_groups; ++group)
    ring.restore_committed_steps(group, committed[static_cast<std::size_t>(group)]);
  limiter.restore(inserts, samples);
  for (std::size_t i = 0; i < samplers.size(); ++i) samplers[i]->set_rng_state(rng_states[i]);
}

}  // namespace

void save_replay_dump(const std::filesystem::path& path, const ReplayRing& ring, const RateLimiter& limiter,
                      const std::vector<const SequenceSampler*>& samplers, const std::uint8_t* external_observations) {
  std::filesystem::path temporary = path;
  temporary += ".tmp";
  try {
    save(temporary, ring, limiter, samplers, external_observations);
    hdf5::seal_file(temporary);
    fsync_path(temporary, O_RDONLY);
    std::filesystem::rename(temporary, path);
    const std::filesystem::path directory = path.has_parent_path() ? path.parent_path() : std::filesystem::path(".");
    fsync_path(directory, O_RDONLY | O_DIRECTORY);
  } catch (const std::exception& error) {
    std::error_code ignored;
    std::filesystem::remove(temporary, ignored);
    throw Error("replay dump '" + path.string() + "': cannot write: " + error.what());
  }
}

void load_replay_dump(const std::filesystem::path& path, ReplayRing& ring, RateLimiter& limiter,
                      const std::vector<SequenceSampler*>& samplers, std::uint8_t* external_observations) {
  try {
    load(path, ring, limiter, samplers, external_observations);
  } catch (const CallError& error) {
    throw Error("replay dump '" + path.string() + "': unreadable (truncated or damaged file?): " + error.what());
  } catch (const Error& error) {
    throw Error("replay dump '" + path.string() + "': " + error.what());
  }
}

}  // namespace dreamer::replay
