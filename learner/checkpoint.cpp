#include "learner/checkpoint.hpp"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <ATen/Context.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "common/error.hpp"
#include "common/hdf5_check.hpp"
#include "common/hdf5_seal.hpp"

namespace dreamer::learner {
namespace fs = std::filesystem;
namespace {

constexpr const char* kLatestName = "latest";
constexpr const char* kFormatName = "dreamer_gb checkpoint";

// ---------------------------------------------------------------------------
// HDF5 handles and small typed helpers.
// ---------------------------------------------------------------------------

// Owns one HDF5 identifier and closes it with the matching H5*close.
class Hid {
 public:
  using Closer = herr_t (*)(hid_t);
  Hid() = default;
  Hid(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Hid(Hid&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}
  Hid& operator=(Hid&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = std::exchange(other.id_, H5I_INVALID_HID);
      closer_ = other.closer_;
    }
    return *this;
  }
  Hid(const Hid&) = delete;
  Hid& operator=(const Hid&) = delete;
  ~Hid() { reset(); }
  hid_t get() const { return id_; }
  // Closes now and reports failure (a close can be where HDF5 writes).
  void close() {
    const hid_t id = std::exchange(id_, H5I_INVALID_HID);
    if (id >= 0) DREAMER_CHECK_HDF5(closer_(id));
  }

 private:
  void reset() noexcept {
    if (id_ >= 0) closer_(id_);
    id_ = H5I_INVALID_HID;
  }
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

Hid group_handle(hid_t id) { return Hid(id, H5Gclose); }
Hid dataset_handle(hid_t id) { return Hid(id, H5Dclose); }
Hid space_handle(hid_t id) { return Hid(id, H5Sclose); }
Hid type_handle(hid_t id) { return Hid(id, H5Tclose); }
Hid attribute_handle(hid_t id) { return Hid(id, H5Aclose); }
Hid plist_handle(hid_t id) { return Hid(id, H5Pclose); }

// How each torch dtype is stored. 16-bit floats are stored as their raw bits
// (uint16) since HDF5 1.10 has no such float type; the torch_dtype attribute
// on every tensor dataset says how to read them back.
struct StoredDtype {
  at::ScalarType scalar_type;
  const char* name;
};
constexpr StoredDtype kStoredDtypes[] = {
    {at::kFloat, "float32"}, {at::kDouble, "float64"}, {at::kLong, "int64"},        {at::kInt, "int32"},
    {at::kByte, "uint8"},    {at::kBool, "bool"},      {at::kBFloat16, "bfloat16"}, {at::kHalf, "float16"},
};

const StoredDtype* stored_dtype_of(at::ScalarType scalar_type) {
  for (const StoredDtype& stored : kStoredDtypes) {
    if (stored.scalar_type == scalar_type) return &stored;
  }
  return nullptr;
}

const StoredDtype* stored_dtype_named(const std::string& name) {
  for (const StoredDtype& stored : kStoredDtypes) {
    if (name == stored.name) return &stored;
  }
  return nullptr;
}

hid_t file_type_of(at::ScalarType scalar_type) {
  switch (scalar_type) {
    case at::kFloat:
      return H5T_IEEE_F32LE;
    case at::kDouble:
      return H5T_IEEE_F64LE;
    case at::kLong:
      return H5T_STD_I64LE;
    case at::kInt:
      return H5T_STD_I32LE;
    case at::kBFloat16:
    case at::kHalf:
      return H5T_STD_U16LE;
    default:
      return H5T_STD_U8LE;  // uint8, bool
  }
}

hid_t memory_type_of(at::ScalarType scalar_type) {
  switch (scalar_type) {
    case at::kFloat:
      return H5T_NATIVE_FLOAT;
    case at::kDouble:
      return H5T_NATIVE_DOUBLE;
    case at::kLong:
      return H5T_NATIVE_INT64;
    case at::kInt:
      return H5T_NATIVE_INT32;
    case at::kBFloat16:
    case at::kHalf:
      return H5T_NATIVE_UINT16;
    default:
      return H5T_NATIVE_UINT8;
  }
}

std::string shape_text(at::IntArrayRef shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

bool link_exists(hid_t location, const std::string& name) {
  return DREAMER_CHECK_HDF5(H5Lexists(location, name.c_str(), H5P_DEFAULT)) > 0;
}

bool attribute_exists(hid_t object, const std::string& name) {
  return DREAMER_CHECK_HDF5(H5Aexists(object, name.c_str())) > 0;
}

Hid create_group(hid_t location, const std::string& name) {
  return group_handle(DREAMER_CHECK_HDF5(H5Gcreate2(location, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
}

Hid open_group(hid_t location, const std::string& name, const std::string& where) {
  if (!link_exists(location, name)) throw Error("missing group " + where);
  return group_handle(DREAMER_CHECK_HDF5(H5Gopen2(location, name.c_str(), H5P_DEFAULT)));
}

// A fixed-length string type of max(1, size) bytes, NUL-padded, UTF-8.
Hid string_type(size_t size) {
  Hid type = type_handle(DREAMER_CHECK_HDF5(H5Tcopy(H5T_C_S1)));
  DREAMER_CHECK_HDF5(H5Tset_size(type.get(), std::max<size_t>(size, 1)));
  DREAMER_CHECK_HDF5(H5Tset_strpad(type.get(), H5T_STR_NULLPAD));
  DREAMER_CHECK_HDF5(H5Tset_cset(type.get(), H5T_CSET_UTF8));
  return type;
}

void write_scalar_attribute(hid_t object, const std::string& name, hid_t file_type, hid_t memory_type,
                            const void* value) {
  Hid space = space_handle(DREAMER_CHECK_HDF5(H5Screate(H5S_SCALAR)));
  Hid attribute = attribute_handle(
      DREAMER_CHECK_HDF5(H5Acreate2(object, name.c_str(), file_type, space.get(), H5P_DEFAULT, H5P_DEFAULT)));
  DREAMER_CHECK_HDF5(H5Awrite(attribute.get(), memory_type, value));
}

void write_int64_attribute(hid_t object, const std::string& name, std::int64_t value) {
  write_scalar_attribute(object, name, H5T_STD_I64LE, H5T_NATIVE_INT64, &value);
}

void write_double_attribute(hid_t object, const std::string& name, double value) {
  write_scalar_attribute(object, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, &value);
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& value) {
  std::string padded = value;
  padded.resize(std::max<size_t>(value.size(), 1), '\0');
  Hid type = string_type(value.size());
  write_scalar_attribute(object, name, type.get(), type.get(), padded.data());
}

Hid open_attribute(hid_t object, const std::string& name, const std::string& where) {
  if (!attribute_exists(object, name)) throw Error("missing attribute '" + name + "' on " + where);
  return attribute_handle(DREAMER_CHECK_HDF5(H5Aopen(object, name.c_str(), H5P_DEFAULT)));
}

void require_scalar(hid_t space, const std::string& what) {
  if (DREAMER_CHECK_HDF5(H5Sget_simple_extent_type(space)) != H5S_SCALAR) {
    throw Error(what + " is not a scalar");
  }
}

template <typename Value>
Value read_number_attribute(hid_t object, const std::string& name, const std::string& where, H5T_class_t expected_class,
                            hid_t memory_type) {
  Hid attribute = open_attribute(object, name, where);
  Hid type = type_handle(DREAMER_CHECK_HDF5(H5Aget_type(attribute.get())));
  Hid space = space_handle(DREAMER_CHECK_HDF5(H5Aget_space(attribute.get())));
  require_scalar(space.get(), "attribute '" + name + "' on " + where);
  if (DREAMER_CHECK_HDF5(H5Tget_class(type.get())) != expected_class) {
    throw Error("attribute '" + name + "' on " + where + " has the wrong type");
  }
  Value value{};
  DREAMER_CHECK_HDF5(H5Aread(attribute.get(), memory_type, &value));
  return value;
}

std::int64_t read_int64_attribute(hid_t object, const std::string& name, const std::string& where) {
  return read_number_attribute<std::int64_t>(object, name, where, H5T_INTEGER, H5T_NATIVE_INT64);
}

double read_double_attribute(hid_t object, const std::string& name, const std::string& where) {
  return read_number_attribute<double>(object, name, where, H5T_FLOAT, H5T_NATIVE_DOUBLE);
}

std::string strip_padding(std::string text) {
  const size_t end = text.find_last_not_of('\0');
  text.resize(end == std::string::npos ? 0 : end + 1);
  return text;
}

// Fixed-length string of `type` read through `read` (H5Aread or H5Dread).
template <typename Read>
std::string read_fixed_string(hid_t type, const std::string& what, Read read) {
  if (DREAMER_CHECK_HDF5(H5Tget_class(type)) != H5T_STRING || DREAMER_CHECK_HDF5(H5Tis_variable_str(type)) > 0) {
    throw Error(what + " is not a fixed-length string");
  }
  const std::size_t length = DREAMER_CHECK_HDF5(H5Tget_size(type));
  // A damaged file can declare gigabytes; the largest string saved (the
  // config) is a few KiB.
  constexpr std::size_t kMaxStringBytes = std::size_t{64} << 20;
  if (length > kMaxStringBytes) {
    throw Error(what + " declares " + std::to_string(length) + " bytes, over " + std::to_string(kMaxStringBytes));
  }
  std::string text(length, '\0');
  read(text.data());
  return strip_padding(std::move(text));
}

std::string read_string_attribute(hid_t object, const std::string& name, const std::string& where) {
  Hid attribute = open_attribute(object, name, where);
  Hid type = type_handle(DREAMER_CHECK_HDF5(H5Aget_type(attribute.get())));
  return read_fixed_string(type.get(), "attribute '" + name + "' on " + where,
                           [&](char* data) { DREAMER_CHECK_HDF5(H5Aread(attribute.get(), type.get(), data)); });
}

void write_string_dataset(hid_t location, const std::string& name, const std::string& value) {
  std::string padded = value;
  padded.resize(std::max<size_t>(value.size(), 1), '\0');
  Hid type = string_type(value.size());
  Hid space = space_handle(DREAMER_CHECK_HDF5(H5Screate(H5S_SCALAR)));
  Hid dataset = dataset_handle(DREAMER_CHECK_HDF5(
      H5Dcreate2(location, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
  DREAMER_CHECK_HDF5(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data()));
}

std::string read_string_dataset(hid_t location, const std::string& name, const std::string& where) {
  if (!link_exists(location, name)) throw Error("missing dataset " + where);
  Hid dataset = dataset_handle(DREAMER_CHECK_HDF5(H5Dopen2(location, name.c_str(), H5P_DEFAULT)));
  Hid type = type_handle(DREAMER_CHECK_HDF5(H5Dget_type(dataset.get())));
  Hid space = space_handle(DREAMER_CHECK_HDF5(H5Dget_space(dataset.get())));
  require_scalar(space.get(), "dataset " + where);
  return read_fixed_string(type.get(), "dataset " + where, [&](char* data) {
    DREAMER_CHECK_HDF5(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
  });
}

// One tensor as a dataset of its shape (a scalar dataspace for 0-d tensors),
// copied to CPU and made contiguous first; `torch_dtype` names the dtype.
void write_tensor_dataset(hid_t location, const std::string& name, const at::Tensor& tensor, const std::string& where) {
  const StoredDtype* stored = stored_dtype_of(tensor.scalar_type());
  if (stored == nullptr) {
    throw Error(where + ": dtype " + std::string(c10::toString(tensor.scalar_type())) +
                " cannot be stored in a checkpoint");
  }
  const at::Tensor host = tensor.detach().to(at::kCPU).contiguous();
  std::vector<hsize_t> dims(host.sizes().begin(), host.sizes().end());
  Hid space = space_handle(DREAMER_CHECK_HDF5(
      dims.empty() ? H5Screate(H5S_SCALAR) : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr)));
  Hid dataset = dataset_handle(DREAMER_CHECK_HDF5(H5Dcreate2(location, name.c_str(), file_type_of(host.scalar_type()),
                                                             space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT)));
  if (host.numel() > 0) {
    DREAMER_CHECK_HDF5(
        H5Dwrite(dataset.get(), memory_type_of(host.scalar_type()), H5S_ALL, H5S_ALL, H5P_DEFAULT, host.data_ptr()));
  }
  write_string_attribute(dataset.get(), "torch_dtype", stored->name);
}

// Shape of a dataset's dataspace; 0-d for scalars.
std::vector<std::int64_t> dataset_shape(hid_t dataset) {
  Hid space = space_handle(DREAMER_CHECK_HDF5(H5Dget_space(dataset)));
  const int rank = DREAMER_CHECK_HDF5(H5Sget_simple_extent_ndims(space.get()));
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  if (rank > 0) DREAMER_CHECK_HDF5(H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr));
  return std::vector<std::int64_t>(dims.begin(), dims.end());
}

// Reads a tensor dataset into a CPU tensor after checking that its dtype and
// shape are the expected ones.
at::Tensor read_tensor_dataset(hid_t location, const std::string& name, at::ScalarType dtype, at::IntArrayRef shape,
                               const std::string& where) {
  if (!link_exists(location, name)) throw Error("missing dataset " + where);
  Hid dataset = dataset_handle(DREAMER_CHECK_HDF5(H5Dopen2(location, name.c_str(), H5P_DEFAULT)));
  const std::string stored_name = read_string_attribute(dataset.get(), "torch_dtype", where);
  const StoredDtype* stored = stored_dtype_named(stored_name);
  if (stored == nullptr) throw Error(where + " has unknown torch_dtype '" + stored_name + "'");
  if (stored->scalar_type != dtype) {
    throw Error(where + " is " + stored_name + ", expected " + std::string(c10::toString(dtype)));
  }
  Hid type = type_handle(DREAMER_CHECK_HDF5(H5Dget_type(dataset.get())));
  if (DREAMER_CHECK_HDF5(H5Tequal(type.get(), file_type_of(dtype))) <= 0) {
    throw Error(where + " has a storage type that does not match its torch_dtype " + stored_name);
  }
  const std::vector<std::int64_t> stored_shape = dataset_shape(dataset.get());
  if (at::IntArrayRef(stored_shape) != shape) {
    throw Error(where + " has shape " + shape_text(stored_shape) + ", expected " + shape_text(shape));
  }
  at::Tensor tensor = at::empty(shape, at::TensorOptions().dtype(dtype).device(at::kCPU));
  if (tensor.numel() > 0) {
    DREAMER_CHECK_HDF5(H5Dread(dataset.get(), memory_type_of(dtype), H5S_ALL, H5S_ALL, H5P_DEFAULT, tensor.data_ptr()));
  }
  return tensor;
}

void write_bytes_dataset(hid_t location, const std::string& name, const std::string& bytes) {
  at::Tensor tensor = at::empty({static_cast<std::int64_t>(bytes.size())}, at::kByte);
  if (!bytes.empty()) std::memcpy(tensor.data_ptr(), bytes.data(), bytes.size());
  write_tensor_dataset(location, name, tensor, name);
}

std::string read_bytes_dataset(hid_t location, const std::string& name, const std::string& where) {
  if (!link_exists(location, name)) throw Error("missing dataset " + where);
  std::vector<std::int64_t> shape;
  {
    Hid dataset = dataset_handle(DREAMER_CHECK_HDF5(H5Dopen2(location, name.c_str(), H5P_DEFAULT)));
    shape = dataset_shape(dataset.get());
  }
  if (shape.size() != 1) throw Error(where + " is not a 1-d byte array");
  const at::Tensor tensor = read_tensor_dataset(location, name, at::kByte, shape, where);
  return std::string(static_cast<const char*>(tensor.data_ptr()), static_cast<size_t>(shape[0]));
}

// Names of the links directly inside a group, in name order.
std::vector<std::string> link_names(hid_t group) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  DREAMER_CHECK_HDF5(H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names));
  return names;
}

std::vector<std::string> attribute_names(hid_t object) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const H5A_info_t*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  DREAMER_CHECK_HDF5(H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, collect, &names));
  return names;
}

// ---------------------------------------------------------------------------
// Files: fsync and atomic replacement.
// ---------------------------------------------------------------------------

void fsync_path(const fs::path& path, bool directory) {
  const int fd = ::open(path.c_str(), directory ? (O_RDONLY | O_DIRECTORY) : O_RDONLY);
  if (fd < 0) throw Error("cannot open " + path.string() + " to fsync: " + std::strerror(errno));
  const int rc = ::fsync(fd);
  const int fsync_errno = errno;
  ::close(fd);
  if (rc != 0) throw Error("fsync of " + path.string() + " failed: " + std::strerror(fsync_errno));
}

void rename_or_throw(const fs::path& from, const fs::path& to) {
  if (std::rename(from.c_str(), to.c_str()) != 0) {
    throw Error("cannot rename " + from.string() + " to " + to.string() + ": " + std::strerror(errno));
  }
}

void write_latest_pointer(const fs::path& directory, const std::string& file_name) {
  const fs::path temporary = directory / (std::string(kLatestName) + ".tmp");
  {
    std::ofstream out(temporary, std::ios::trunc);
    out << file_name << '\n';
    out.close();
    if (!out) throw Error("cannot write " + temporary.string());
  }
  fsync_path(temporary, false);
  rename_or_throw(temporary, directory / kLatestName);
  fsync_path(directory, true);
}

std::string checkpoint_file_name(std::int64_t opt_steps) { return "ckpt_" + std::to_string(opt_steps) + ".h5"; }

// opt_steps of a file named ckpt_<n>.h5, or nullopt.
std::optional<std::int64_t> checkpoint_steps_of(const std::string& file_name) {
  constexpr std::string_view prefix = "ckpt_";
  constexpr std::string_view suffix = ".h5";
  if (file_name.size() <= prefix.size() + suffix.size() || !file_name.starts_with(prefix) ||
      !file_name.ends_with(suffix)) {
    return std::nullopt;
  }
  const std::string digits = file_name.substr(prefix.size(), file_name.size() - prefix.size() - suffix.size());
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  return std::stoll(digits);
}

// The ckpt_<n>.h5 files in `directory`, highest n first (none when the
// directory does not exist).
std::vector<fs::path> numbered_checkpoints_newest_first(const fs::path& directory) {
  std::vector<std::pair<std::int64_t, fs::path>> numbered;
  std::error_code missing;
  for (const fs::directory_entry& entry : fs::directory_iterator(directory, missing)) {
    if (auto steps = checkpoint_steps_of(entry.path().filename().string())) numbered.emplace_back(*steps, entry.path());
  }
  std::sort(numbered.rbegin(), numbered.rend());
  std::vector<fs::path> files;
  for (auto& [steps, file] : numbered) files.push_back(std::move(file));
  return files;
}

// Deletes all but the keep_last highest-numbered ckpt_*.h5, never the file
// `latest` names (which may be lower when a run resumed from an older one).
void delete_old_checkpoints(const fs::path& directory, int keep_last, const fs::path& latest) {
  const std::vector<fs::path> files = numbered_checkpoints_newest_first(directory);
  for (size_t i = static_cast<size_t>(keep_last); i < files.size(); ++i) {
    if (files[i] != latest) fs::remove(files[i]);
  }
}

std::string utc_now_iso8601() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm utc{};
  gmtime_r(&now, &utc);
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return text;
}

void check_name(const std::string& name, const std::string& what) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..") {
    throw Error(what + " name '" + name + "' must be non-empty and contain no '/'");
  }
}

// ---------------------------------------------------------------------------
// Torch generators.
// ---------------------------------------------------------------------------

std::string generator_state_bytes(at::Generator generator) {
  std::lock_guard<std::mutex> lock(generator.mutex());
  const at::Tensor state = generator.get_state().contiguous();
  return std::string(static_cast<const char*>(state.data_ptr()), static_cast<size_t>(state.nbytes()));
}

void set_generator_state_bytes(at::Generator generator, const std::string& bytes) {
  at::Tensor state = at::empty({static_cast<std::int64_t>(bytes.size())}, at::kByte);
  if (!bytes.empty()) std::memcpy(state.data_ptr(), bytes.data(), bytes.size());
  std::lock_guard<std::mutex> lock(generator.mutex());
  generator.set_state(state);
}

int visible_cuda_devices() { return torch::cuda::is_available() ? static_cast<int>(torch::cuda::device_count()) : 0; }

std::string cuda_generator_name(int device) { return "torch_cuda_" + std::to_string(device); }

// ---------------------------------------------------------------------------
// Saving.
// ---------------------------------------------------------------------------

std::string param_group_name(size_t group) { return "group_" + std::to_string(group); }

std::string param_state_name(size_t index) {
  char text[32];
  std::snprintf(text, sizeof(text), "param_%04zu", index);
  return text;
}

// A module's parameters and buffers by name, without the undefined tensors
// that stand for absent ones (a convolution registered without bias).
std::vector<std::pair<std::string, at::Tensor>> module_tensors(torch::nn::Module& module) {
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& item : module.named_parameters(/*recurse=*/true)) {
    if (item.value().defined()) tensors.emplace_back(item.key(), item.value());
  }
  for (const auto& item : module.named_buffers(/*recurse=*/true)) {
    if (item.value().defined()) tensors.emplace_back(item.key(), item.value());
  }
  return tensors;
}

void write_module(hid_t modules_group, const NamedModule& named) {
  check_name(named.name, "module");
  DREAMER_ASSERT(named.module != nullptr, "checkpoint module '" + named.name + "' is null");
  Hid group = create_group(modules_group, named.name);
  for (const auto& [name, tensor] : module_tensors(*named.module)) {
    write_tensor_dataset(group.get(), name, tensor, "/modules/" + named.name + "/" + name);
  }
}

void write_optimizer(hid_t optimizers_group, const NamedOptimizer& named,
                     const std::unordered_map<const void*, std::string>& parameter_names) {
  check_name(named.name, "optimizer");
  DREAMER_ASSERT(named.optimizer != nullptr, "checkpoint optimizer '" + named.name + "' is null");
  torch::optim::Adam& optimizer = *named.optimizer;
  Hid group = create_group(optimizers_group, named.name);
  write_string_attribute(group.get(), "type", "adam");
  write_int64_attribute(group.get(), "num_groups", static_cast<std::int64_t>(optimizer.param_groups().size()));
  for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
    const torch::optim::OptimizerParamGroup& param_group = optimizer.param_groups()[g];
    const auto& options = static_cast<const torch::optim::AdamOptions&>(param_group.options());
    Hid group_id = create_group(group.get(), param_group_name(g));
    write_double_attribute(group_id.get(), "lr", options.lr());
    write_double_attribute(group_id.get(), "beta1", std::get<0>(options.betas()));
    write_double_attribute(group_id.get(), "beta2", std::get<1>(options.betas()));
    write_double_attribute(group_id.get(), "eps", options.eps());
    write_double_attribute(group_id.get(), "weight_decay", options.weight_decay());
    write_int64_attribute(group_id.get(), "amsgrad", options.amsgrad() ? 1 : 0);
    write_int64_attribute(group_id.get(), "num_params", static_cast<std::int64_t>(param_group.params().size()));
    for (size_t i = 0; i < param_group.params().size(); ++i) {
      const at::Tensor& parameter = param_group.params()[i];
      const auto found = optimizer.state().find(parameter.unsafeGetTensorImpl());
      if (found == optimizer.state().end()) continue;  // never stepped: no state yet
      const auto& state = static_cast<const torch::optim::AdamParamState&>(*found->second);
      const std::string where = "/optimizers/" + named.name + "/" + param_group_name(g) + "/" + param_state_name(i);
      Hid state_group = create_group(group_id.get(), param_state_name(i));
      write_int64_attribute(state_group.get(), "step", state.step());
      const auto name = parameter_names.find(parameter.unsafeGetTensorImpl());
      if (name != parameter_names.end()) write_string_attribute(state_group.get(), "parameter", name->second);
      write_tensor_dataset(state_group.get(), "exp_avg", state.exp_avg(), where + "/exp_avg");
      write_tensor_dataset(state_group.get(), "exp_avg_sq", state.exp_avg_sq(), where + "/exp_avg_sq");
      if (state.max_exp_avg_sq().defined()) {
        write_tensor_dataset(state_group.get(), "max_exp_avg_sq", state.max_exp_avg_sq(), where + "/max_exp_avg_sq");
      }
    }
  }
}

// HDF5 locks files with flock(); on file systems without it (some NFS and
// Lustre mounts) opening would fail. Keep locking, ignore it where disabled.
void use_locking_where_supported(hid_t file_access) {
  DREAMER_CHECK_HDF5(H5Pset_file_locking(file_access, /*use_file_locking=*/true, /*ignore_when_disabled=*/true));
}

void write_checkpoint_file(const fs::path& path, std::int64_t opt_steps, const CheckpointState& state,
                           const CheckpointSaveOptions& options) {
  Hid access = plist_handle(DREAMER_CHECK_HDF5(H5Pcreate(H5P_FILE_ACCESS)));
  // Closing the file closes everything in it, so a successful close means
  // every byte has been handed to the OS.
  DREAMER_CHECK_HDF5(H5Pset_fclose_degree(access.get(), H5F_CLOSE_STRONG));
  use_locking_where_supported(access.get());
  const hdf5::Handle creation = hdf5::seal_creation_properties();
  Hid file(DREAMER_CHECK_HDF5(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, creation.get(), access.get())), H5Fclose);

  {
    Hid meta = create_group(file.get(), "meta");
    write_string_attribute(meta.get(), "format", kFormatName);
    write_int64_attribute(meta.get(), "schema_version", kCheckpointSchemaVersion);
    write_int64_attribute(meta.get(), "opt_steps", opt_steps);
    write_string_attribute(meta.get(), "code_version", options.code_version);
    write_string_attribute(meta.get(), "created_utc", utc_now_iso8601());
    write_string_attribute(meta.get(), "torch_version", TORCH_VERSION);
  }
  write_string_dataset(file.get(), "config_json", state.config_json);
  {
    Hid counters = create_group(file.get(), "counters");
    for (const auto& [name, value] : state.counters) write_int64_attribute(counters.get(), name, value);
  }
  std::unordered_map<const void*, std::string> parameter_names;
  {
    Hid modules = create_group(file.get(), "modules");
    for (const NamedModule& named : state.modules) {
      write_module(modules.get(), named);
      for (const auto& [name, tensor] : module_tensors(*named.module)) {
        parameter_names.emplace(tensor.unsafeGetTensorImpl(), named.name + "/" + name);
      }
    }
  }
  {
    Hid optimizers = create_group(file.get(), "optimizers");
    for (const NamedOptimizer& named : state.optimizers) write_optimizer(optimizers.get(), named, parameter_names);
  }
  {
    Hid rng = create_group(file.get(), "rng");
    if (options.save_torch_rng) {
      write_bytes_dataset(rng.get(), "torch_cpu",
                          generator_state_bytes(at::globalContext().defaultGenerator(at::kCPU)));
      for (int device = 0; device < visible_cuda_devices(); ++device) {
        write_bytes_dataset(rng.get(), cuda_generator_name(device),
                            generator_state_bytes(at::globalContext().defaultGenerator(
                                at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device)))));
      }
    }
    Hid extra = create_group(rng.get(), "extra");
    for (const auto& [name, bytes] : state.rng_states) {
      check_name(name, "rng state");
      write_bytes_dataset(extra.get(), name, bytes);
    }
  }
  file.close();
}

// ---------------------------------------------------------------------------
// Loading: everything is read and checked into a Staged copy first, then
// applied.
// ---------------------------------------------------------------------------

struct StagedAdamState {
  at::Tensor parameter;
  std::int64_t step = 0;
  at::Tensor exp_avg;
  at::Tensor exp_avg_sq;
  at::Tensor max_exp_avg_sq;  // undefined unless stored
};

struct StagedParamGroup {
  double lr = 0, beta1 = 0, beta2 = 0, eps = 0, weight_decay = 0;
  bool amsgrad = false;
  std::vector<std::optional<StagedAdamState>> states;  // per parameter; nullopt: no state
};

struct Staged {
  CheckpointInfo info;
  std::vector<std::pair<at::Tensor, at::Tensor>> tensors;  // (live target, loaded CPU copy)
  std::vector<std::vector<StagedParamGroup>> optimizers;   // per NamedOptimizer
  std::map<std::string, std::int64_t> counters;
  std::map<std::string, std::string> rng_states;
  std::optional<std::string> torch_cpu_rng;
  std::map<int, std::string> torch_cuda_rng;
  std::string config_json;
};

Hid open_checkpoint_file(const fs::path& path) {
  if (!fs::exists(path)) throw Error("file does not exist");
  if (!fs::is_regular_file(path)) throw Error("not a regular file");
  hdf5::verify_seal(path, "dreamer checkpoint");  // before HDF5 parses anything of it
  Hid access = plist_handle(DREAMER_CHECK_HDF5(H5Pcreate(H5P_FILE_ACCESS)));
  use_locking_where_supported(access.get());
  return Hid(DREAMER_CHECK_HDF5(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.get())), H5Fclose);
}

CheckpointInfo read_meta(hid_t file, const fs::path& path) {
  if (!link_exists(file, "meta")) {
    throw Error("not a dreamer checkpoint (no /meta group)");
  }
  Hid meta = open_group(file, "meta", "/meta");
  CheckpointInfo info;
  info.file = path;
  info.schema_version = static_cast<int>(read_int64_attribute(meta.get(), "schema_version", "/meta"));
  info.opt_steps = read_int64_attribute(meta.get(), "opt_steps", "/meta");
  info.code_version = read_string_attribute(meta.get(), "code_version", "/meta");
  info.created_utc = read_string_attribute(meta.get(), "created_utc", "/meta");
  return info;
}

void stage_module(hid_t modules_group, const NamedModule& named, Staged& staged) {
  const std::string where = "/modules/" + named.name;
  Hid group = open_group(modules_group, named.name, where);
  std::vector<std::string> expected;
  auto stage = [&](const std::string& name, const at::Tensor& live) {
    at::Tensor loaded = read_tensor_dataset(group.get(), name, live.scalar_type(), live.sizes(), where + "/" + name);
    staged.tensors.emplace_back(live, std::move(loaded));
    expected.push_back(name);
  };
  for (const auto& [name, tensor] : module_tensors(*named.module)) stage(name, tensor);
  std::sort(expected.begin(), expected.end());
  for (const std::string& name : link_names(group.get())) {
    if (!std::binary_search(expected.begin(), expected.end(), name)) {
      throw Error(where + "/" + name + " has no counterpart in module '" + named.name + "'");
    }
  }
}

std::vector<StagedParamGroup> stage_optimizer(hid_t optimizers_group, const NamedOptimizer& named) {
  const std::string where = "/optimizers/" + named.name;
  Hid group = open_group(optimizers_group, named.name, where);
  const std::string type = read_string_attribute(group.get(), "type", where);
  if (type != "adam") throw Error(where + " holds a '" + type + "' optimizer, expected adam");
  torch::optim::Adam& optimizer = *named.optimizer;
  const std::int64_t stored_groups = read_int64_attribute(group.get(), "num_groups", where);
  if (stored_groups != static_cast<std::int64_t>(optimizer.param_groups().size())) {
    throw Error(where + " has " + std::to_string(stored_groups) + " param groups, the optimizer has " +
                std::to_string(optimizer.param_groups().size()));
  }
  std::vector<StagedParamGroup> groups;
  for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
    const std::string group_where = where + "/" + param_group_name(g);
    Hid group_id = open_group(group.get(), param_group_name(g), group_where);
    const std::vector<at::Tensor>& params = optimizer.param_groups()[g].params();
    const std::int64_t stored_params = read_int64_attribute(group_id.get(), "num_params", group_where);
    if (stored_params != static_cast<std::int64_t>(params.size())) {
      throw Error(group_where + " has " + std::to_string(stored_params) + " parameters, the optimizer has " +
                  std::to_string(params.size()));
    }
    StagedParamGroup staged_group;
    staged_group.lr = read_double_attribute(group_id.get(), "lr", group_where);
    staged_group.beta1 = read_double_attribute(group_id.get(), "beta1", group_where);
    staged_group.beta2 = read_double_attribute(group_id.get(), "beta2", group_where);
    staged_group.eps = read_double_attribute(group_id.get(), "eps", group_where);
    staged_group.weight_decay = read_double_attribute(group_id.get(), "weight_decay", group_where);
    staged_group.amsgrad = read_int64_attribute(group_id.get(), "amsgrad", group_where) != 0;
    for (size_t i = 0; i < params.size(); ++i) {
      if (!link_exists(group_id.get(), param_state_name(i))) {
        staged_group.states.emplace_back(std::nullopt);
        continue;
      }
      const std::string state_where = group_where + "/" + param_state_name(i);
      Hid state_group = open_group(group_id.get(), param_state_name(i), state_where);
      StagedAdamState state;
      state.parameter = params[i];
      state.step = read_int64_attribute(state_group.get(), "step", state_where);
      const at::ScalarType dtype = params[i].scalar_type();
      state.exp_avg =
          read_tensor_dataset(state_group.get(), "exp_avg", dtype, params[i].sizes(), state_where + "/exp_avg");
      state.exp_avg_sq =
          read_tensor_dataset(state_group.get(), "exp_avg_sq", dtype, params[i].sizes(), state_where + "/exp_avg_sq");
      if (link_exists(state_group.get(), "max_exp_avg_sq")) {
        state.max_exp_avg_sq = read_tensor_dataset(state_group.get(), "max_exp_avg_sq", dtype, params[i].sizes(),
                                                   state_where + "/max_exp_avg_sq");
      }
      staged_group.states.emplace_back(std::move(state));
    }
    groups.push_back(std::move(staged_group));
  }
  return groups;
}

CheckpointInfo read_supported_meta(hid_t file, const fs::path& path) {
  CheckpointInfo info = read_meta(file, path);
  if (info.schema_version != kCheckpointSchemaVersion) {
    throw Error("schema_version " + std::to_string(info.schema_version) + ", this build reads " +
                std::to_string(kCheckpointSchemaVersion));
  }
  return info;
}

Staged stage_checkpoint(const fs::path& path, const CheckpointState& state, const CheckpointLoadOptions& options) {
  Hid file = open_checkpoint_file(path);
  Staged staged;
  staged.info = read_supported_meta(file.get(), path);
  {
    Hid modules = open_group(file.get(), "modules", "/modules");
    for (const NamedModule& named : state.modules) stage_module(modules.get(), named, staged);
  }
  {
    Hid optimizers = open_group(file.get(), "optimizers", "/optimizers");
    for (const NamedOptimizer& named : state.optimizers)
      staged.optimizers.push_back(stage_optimizer(optimizers.get(), named));
  }
  {
    Hid counters = open_group(file.get(), "counters", "/counters");
    for (const std::string& name : attribute_names(counters.get())) {
      staged.counters[name] = read_int64_attribute(counters.get(), name, "/counters");
    }
  }
  {
    Hid rng = open_group(file.get(), "rng", "/rng");
    if (options.restore_torch_rng) {
      if (link_exists(rng.get(), "torch_cpu"))
        staged.torch_cpu_rng = read_bytes_dataset(rng.get(), "torch_cpu", "/rng/torch_cpu");
      for (int device = 0; device < visible_cuda_devices(); ++device) {
        const std::string name = cuda_generator_name(device);
        if (link_exists(rng.get(), name))
          staged.torch_cuda_rng[device] = read_bytes_dataset(rng.get(), name, "/rng/" + name);
      }
    }
    Hid extra = open_group(rng.get(), "extra", "/rng/extra");
    for (const std::string& name : link_names(extra.get())) {
      staged.rng_states[name] = read_bytes_dataset(extra.get(), name, "/rng/extra/" + name);
    }
  }
  staged.config_json = read_string_dataset(file.get(), "config_json", "/config_json");
  return staged;
}

void apply_optimizer(torch::optim::Adam& optimizer, std::vector<StagedParamGroup>& groups) {
  for (size_t g = 0; g < groups.size(); ++g) {
    torch::optim::OptimizerParamGroup& param_group = optimizer.param_groups()[g];
    auto& options = static_cast<torch::optim::AdamOptions&>(param_group.options());
    const StagedParamGroup& staged = groups[g];
    options.lr(staged.lr)
        .betas({staged.beta1, staged.beta2})
        .eps(staged.eps)
        .weight_decay(staged.weight_decay)
        .amsgrad(staged.amsgrad);
    for (size_t i = 0; i < param_group.params().size(); ++i) {
      const at::Tensor& parameter = param_group.params()[i];
      void* key = parameter.unsafeGetTensorImpl();
      if (!staged.states[i]) {
        optimizer.state().erase(key);
        continue;
      }
      const StagedAdamState& loaded = *staged.states[i];
      auto state = std::make_unique<torch::optim::AdamParamState>();
      state->step(loaded.step);
      state->exp_avg(loaded.exp_avg.to(parameter.device()));
      state->exp_avg_sq(loaded.exp_avg_sq.to(parameter.device()));
      if (loaded.max_exp_avg_sq.defined()) state->max_exp_avg_sq(loaded.max_exp_avg_sq.to(parameter.device()));
      optimizer.state()[key] = std::move(state);
    }
  }
}

void apply_staged(Staged& staged, CheckpointState& state) {
  {
    torch::NoGradGuard no_grad;
    for (auto& [live, loaded] : staged.tensors) live.copy_(loaded);
  }
  for (size_t o = 0; o < state.optimizers.size(); ++o)
    apply_optimizer(*state.optimizers[o].optimizer, staged.optimizers[o]);
  if (staged.torch_cpu_rng)
    set_generator_state_bytes(at::globalContext().defaultGenerator(at::kCPU), *staged.torch_cpu_rng);
  for (const auto& [device, bytes] : staged.torch_cuda_rng) {
    set_generator_state_bytes(
        at::globalContext().defaultGenerator(at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device))), bytes);
  }
  state.counters = std::move(staged.counters);
  state.rng_states = std::move(staged.rng_states);
  state.config_json = std::move(staged.config_json);
}

fs::path resolve_file(const fs::path& file_or_directory) {
  if (!fs::is_directory(file_or_directory)) return file_or_directory;
  std::optional<fs::path> latest = find_latest_checkpoint(file_or_directory);
  if (!latest) {
    throw Error("checkpoint directory '" + file_or_directory.string() + "' has no '" + kLatestName + "' file");
  }
  return *latest;
}

std::string dataset_dtype_name(hid_t dataset) {
  if (attribute_exists(dataset, "torch_dtype")) return read_string_attribute(dataset, "torch_dtype", "dataset");
  Hid type = type_handle(DREAMER_CHECK_HDF5(H5Dget_type(dataset)));
  switch (DREAMER_CHECK_HDF5(H5Tget_class(type.get()))) {
    case H5T_STRING:
      return "string";
    case H5T_INTEGER:
      return "int" + std::to_string(8 * H5Tget_size(type.get()));
    case H5T_FLOAT:
      return "float" + std::to_string(8 * H5Tget_size(type.get()));
    default:
      return "other";
  }
}

}  // namespace

fs::path save_checkpoint(const fs::path& directory, std::int64_t opt_steps, const CheckpointState& state,
                         const CheckpointSaveOptions& options) {
  const std::string file_name = checkpoint_file_name(opt_steps);
  const fs::path final_path = directory / file_name;
  const fs::path temporary = directory / (file_name + ".tmp");
  try {
    fs::create_directories(directory);
    write_checkpoint_file(temporary, opt_steps, state, options);
    hdf5::seal_file(temporary);
    fsync_path(temporary, false);
    rename_or_throw(temporary, final_path);
    write_latest_pointer(directory, file_name);
    if (options.keep_last > 0) delete_old_checkpoints(directory, options.keep_last, final_path);
  } catch (const std::exception& e) {
    std::error_code ignored;
    fs::remove(temporary, ignored);
    throw Error("cannot write checkpoint '" + final_path.string() + "': " + e.what());
  }
  return final_path;
}

std::optional<fs::path> find_latest_checkpoint(const fs::path& directory) {
  const fs::path pointer = directory / kLatestName;
  if (!fs::exists(pointer)) return std::nullopt;
  std::ifstream in(pointer);
  std::string file_name;
  std::getline(in, file_name);
  if (file_name.empty() || file_name.find('/') != std::string::npos) {
    throw Error("checkpoint pointer '" + pointer.string() + "' does not hold a file name");
  }
  const fs::path file = directory / file_name;
  if (!fs::exists(file)) {
    throw Error("checkpoint pointer '" + pointer.string() + "' names '" + file_name + "', which does not exist");
  }
  return file;
}

CheckpointInfo load_checkpoint(const fs::path& file_or_directory, CheckpointState& state,
                               const CheckpointLoadOptions& options) {
  const fs::path file = resolve_file(file_or_directory);
  Staged staged;
  try {
    staged = stage_checkpoint(file, state, options);
    apply_staged(staged, state);
  } catch (const std::exception& e) {
    throw Error("checkpoint '" + file.string() + "': " + e.what());
  }
  return staged.info;
}

std::optional<ResumedCheckpoint> load_newest_good_checkpoint(const fs::path& directory, CheckpointState& state,
                                                             const CheckpointLoadOptions& options) {
  // Candidates: the file `latest` names, then every ckpt_<n>.h5, newest first.
  std::vector<fs::path> candidates;
  ResumedCheckpoint resumed;
  try {
    if (std::optional<fs::path> latest = find_latest_checkpoint(directory)) candidates.push_back(*latest);
  } catch (const Error& e) {
    resumed.skipped.emplace_back(e.what());
  }
  for (const fs::path& file : numbered_checkpoints_newest_first(directory)) {
    if (candidates.empty() || file != candidates.front()) candidates.push_back(file);
  }
  if (candidates.empty()) {
    if (resumed.skipped.empty()) return std::nullopt;  // a fresh run: nothing saved yet
    throw Error(resumed.skipped.front() + ", and no ckpt_*.h5 is left in '" + directory.string() + "'");
  }
  for (const fs::path& file : candidates) {
    try {
      resumed.info = load_checkpoint(file, state, options);
      return resumed;
    } catch (const Error& e) {
      resumed.skipped.emplace_back(e.what());
    }
  }
  throw Error("no checkpoint in '" + directory.string() + "' loads; the newest: " + resumed.skipped.front());
}

CheckpointConfig read_checkpoint_config(const fs::path& file_or_directory) {
  const fs::path file = resolve_file(file_or_directory);
  CheckpointConfig result;
  try {
    Hid file_id = open_checkpoint_file(file);
    result.info = read_supported_meta(file_id.get(), file);
    result.config_json = read_string_dataset(file_id.get(), "config_json", "/config_json");
  } catch (const std::exception& e) {
    throw Error("checkpoint '" + file.string() + "': " + e.what());
  }
  return result;
}

CheckpointListing inspect_checkpoint(const fs::path& file_or_directory) {
  const fs::path file = resolve_file(file_or_directory);
  CheckpointListing listing;
  try {
    Hid file_id = open_checkpoint_file(file);
    if (link_exists(file_id.get(), "meta")) listing.info = read_meta(file_id.get(), file);
    std::vector<std::string> names;
    auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
      static_cast<std::vector<std::string>*>(data)->emplace_back(name);
      return 0;
    };
    DREAMER_CHECK_HDF5(H5Lvisit(file_id.get(), H5_INDEX_NAME, H5_ITER_INC, collect, &names));
    for (const std::string& name : names) {
      Hid object(DREAMER_CHECK_HDF5(H5Oopen(file_id.get(), name.c_str(), H5P_DEFAULT)), H5Oclose);
      if (DREAMER_CHECK_HDF5(H5Iget_type(object.get())) != H5I_DATASET) continue;
      listing.datasets.push_back({"/" + name, dataset_dtype_name(object.get()), dataset_shape(object.get())});
    }
  } catch (const std::exception& e) {
    throw Error("checkpoint '" + file.string() + "': " + e.what());
  }
  return listing;
}

}  // namespace dreamer::learner
