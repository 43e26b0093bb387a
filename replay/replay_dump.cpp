#include "replay/replay_dump.hpp"

#include <hdf5.h>

#include <array>
#include <random>
#include <sstream>
#include <string>
#include <type_traits>

#include <cereal/archives/json.hpp>

#include "common/call_error.hpp"
#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/hdf5/hdf5_file.hpp"
#include "common/hdf5/hdf5_seal.hpp"

namespace dreamer::replay {
namespace {

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

using hdf5::ElementType;

// The per-step columns of the ring as datasets [streams, capacity], in the
// order they are written and read.
struct StepColumn {
  const char* name;
  ElementType type;
};
constexpr std::array<StepColumn, 8> kStepColumns{{{"action", ElementType::kUInt8},
                                                  {"reward", ElementType::kFloat32},
                                                  {"is_first", ElementType::kUInt8},
                                                  {"is_terminal", ElementType::kUInt8},
                                                  {"is_truncated", ElementType::kUInt8},
                                                  {"continue", ElementType::kFloat32},
                                                  {"episode_id", ElementType::kInt64},
                                                  {"stamp", ElementType::kUInt64}}};

// The ring's column pointers in kStepColumns order.
template <class Columns>
auto step_column_pointers(const Columns& columns) {
  using Pointer =
      std::conditional_t<std::is_const_v<std::remove_pointer_t<decltype(columns.action)>>, const void*, void*>;
  return std::array<Pointer, 8>{columns.action,       columns.reward,    columns.is_first,   columns.is_terminal,
                                columns.is_truncated, columns.continues, columns.episode_id, columns.stamp};
}

std::vector<hsize_t> frame_shape(const ReplayOptions& options) {
  return {static_cast<hsize_t>(options.num_streams), static_cast<hsize_t>(options.capacity),
          static_cast<hsize_t>(packed2::kHeight), static_cast<hsize_t>(packed2::kBytesPerRow)};
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
  hdf5::Handle file = hdf5::create_file(path, creation.get());
  hdf5::write_string_attribute(file.get(), "format", kReplayDumpFormat);
  hdf5::write_int_attribute(file.get(), "format_version", kReplayDumpVersion);
  hdf5::write_string_dataset(file.get(), "config", options_json(options));

  hdf5::write_dataset(file.get(), "obs", ElementType::kUInt8, frame_shape(options),
                      host ? columns.observations : external_observations, /*compress=*/true);
  const auto pointers = step_column_pointers(columns);
  for (std::size_t i = 0; i < kStepColumns.size(); ++i)
    hdf5::write_dataset(file.get(), kStepColumns[i].name, kStepColumns[i].type, {streams, capacity}, pointers[i]);

  std::vector<std::uint64_t> committed(static_cast<std::size_t>(options.writer_groups));
  for (int group = 0; group < options.writer_groups; ++group)
    committed[static_cast<std::size_t>(group)] = ring.fence(group).committed_steps();
  std::vector<std::uint64_t> write_position(static_cast<std::size_t>(options.num_streams));
  for (int stream = 0; stream < options.num_streams; ++stream)
    write_position[static_cast<std::size_t>(stream)] =
        committed[static_cast<std::size_t>(ring.group_of(stream))] % capacity;
  hdf5::write_dataset(file.get(), "committed_steps", ElementType::kUInt64, {committed.size()}, committed.data());
  hdf5::write_dataset(file.get(), "write_position", ElementType::kUInt64, {write_position.size()},
                      write_position.data());

  const RateLimiterCounters counters = limiter.counters();
  DREAMER_ASSERT(counters.pending_inserts == 0, "replay dump while an insert is pending");
  hdf5::Handle limiter_group = hdf5::create_group(file.get(), "limiter");
  hdf5::write_int_attribute(limiter_group.get(), "inserts", counters.inserts);
  hdf5::write_int_attribute(limiter_group.get(), "samples", counters.samples);
  hdf5::write_double_attribute(limiter_group.get(), "train_ratio", limiter.target_replay_ratio());
  hdf5::write_int_attribute(limiter_group.get(), "replayed_steps_per_sample", limiter.replayed_steps_per_sample());
  limiter_group.close();

  std::vector<std::string> rng_states;
  for (const SequenceSampler* sampler : samplers) rng_states.push_back(sampler->rng_state());
  hdf5::write_string_array(file.get(), "sampler_rng_state", rng_states);
  file.close();
}

// Before HDF5 parses anything of the file.
void verify_sealed(const std::filesystem::path& path) { hdf5::verify_seal(path, "replay dump"); }

void load(const std::filesystem::path& path, ReplayRing& ring, RateLimiter& limiter,
          const std::vector<SequenceSampler*>& samplers, std::uint8_t* external_observations) {
  std::error_code exists_error;
  if (!std::filesystem::is_regular_file(path, exists_error)) throw Error("no such file");
  verify_sealed(path);
  hdf5::Handle file = hdf5::open_file_read_only(path);
  if (!hdf5::attribute_exists(file.get(), "format") ||
      hdf5::read_string_attribute(file.get(), "format") != kReplayDumpFormat)
    throw Error(std::string("not a replay dump (root attribute 'format' is not '") + kReplayDumpFormat + "')");
  const std::int64_t version = hdf5::read_int_attribute(file.get(), "format_version");
  if (version != kReplayDumpVersion)
    throw Error("format_version " + std::to_string(version) + " is not supported (this build reads " +
                std::to_string(kReplayDumpVersion) + ")");

  ReplayOptions stored;
  try {
    stored = options_from_json(hdf5::read_string_dataset(file.get(), "config"));
  } catch (const cereal::Exception& error) {
    throw Error(std::string("dataset '/config' is not a replay config: ") + error.what());
  }
  const ReplayOptions& options = ring.options();
  require_same("num_streams", stored.num_streams, options.num_streams);
  require_same("writer_groups", stored.writer_groups, options.writer_groups);
  require_same("capacity", stored.capacity, options.capacity);
  require_same("commit_stride", stored.commit_stride, options.commit_stride);

  const std::vector<hsize_t> step_shape{static_cast<hsize_t>(options.num_streams),
                                        static_cast<hsize_t>(options.capacity)};
  std::vector<std::uint64_t> committed(static_cast<std::size_t>(options.writer_groups));
  hdf5::read_dataset(file.get(), "committed_steps", ElementType::kUInt64, {committed.size()}, committed.data());
  for (std::uint64_t count : committed) {
    if (count % static_cast<std::uint64_t>(options.commit_stride) != 0)
      throw Error("committed_steps " + std::to_string(count) + " is not a multiple of commit_stride");
  }
  hdf5::Handle limiter_group = hdf5::open_group(file.get(), "limiter");
  const std::int64_t inserts = hdf5::read_int_attribute(limiter_group.get(), "inserts");
  const std::int64_t samples = hdf5::read_int_attribute(limiter_group.get(), "samples");
  if (inserts < 0 || samples < 0) throw Error("limiter counters are negative");
  const std::vector<std::string> rng_states = hdf5::read_string_array(file.get(), "sampler_rng_state");
  if (!samplers.empty() && samplers.size() != rng_states.size())
    throw Error("the dump holds " + std::to_string(rng_states.size()) + " sampler RNG states but " +
                std::to_string(samplers.size()) + " samplers were given");

  for (const std::string& state : rng_states) {
    std::istringstream text(state);
    std::mt19937_64 parsed;
    text >> parsed;
    if (text.fail()) throw Error("dataset '/sampler_rng_state' holds a malformed generator state");
  }
  // Check every dataset before touching the ring, so that a bad file leaves
  // it as it was.
  hdf5::require_dataset(file.get(), "obs", ElementType::kUInt8, frame_shape(options));
  for (const StepColumn& column : kStepColumns) hdf5::require_dataset(file.get(), column.name, column.type, step_shape);

  MutableRingColumns columns = ring.mutable_columns();
  const bool host = ring.observation_home() == ObservationHome::kHost;
  DREAMER_ASSERT(host == (external_observations == nullptr),
                 "a replay dump loads the observations into the ring, or into a host buffer for an external ring");
  hdf5::read_dataset(file.get(), "obs", ElementType::kUInt8, frame_shape(options),
                     host ? columns.observations : external_observations);
  const auto pointers = step_column_pointers(columns);
  for (std::size_t i = 0; i < kStepColumns.size(); ++i)
    hdf5::read_dataset(file.get(), kStepColumns[i].name, kStepColumns[i].type, step_shape, pointers[i]);

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
    publish_file(temporary, path);
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

void verify_replay_dump(const std::filesystem::path& path) {
  try {
    verify_sealed(path);
  } catch (const Error& error) {
    throw Error("replay dump '" + path.string() + "': " + error.what());
  }
}

}  // namespace dreamer::replay
