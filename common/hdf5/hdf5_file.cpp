#include "common/hdf5/hdf5_file.hpp"

#include <algorithm>
#include <cstring>
#include <numeric>
#include <utility>

#include "common/error.hpp"
#include "common/hdf5/hdf5_check.hpp"

namespace dreamer::hdf5 {
namespace {

Handle property_list(hid_t property_class) { return Handle(DREAMER_CHECK_HDF5(H5Pcreate(property_class)), H5Pclose); }
Handle dataspace(const std::vector<hsize_t>& shape) {
  return Handle(
      DREAMER_CHECK_HDF5(shape.empty() ? H5Screate(H5S_SCALAR)
                                       : H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr)),
      H5Sclose);
}

// flock() locking where the file system supports it; a strong close degree
// so that closing the file closes (and writes) everything in it.
Handle file_access() {
  Handle access = property_list(H5P_FILE_ACCESS);
  DREAMER_CHECK_HDF5(H5Pset_fclose_degree(access.get(), H5F_CLOSE_STRONG));
  DREAMER_CHECK_HDF5(H5Pset_file_locking(access.get(), /*use_file_locking=*/true, /*ignore_when_disabled=*/true));
  return access;
}

// Link-creation properties that make missing parent groups.
Handle intermediate_groups() {
  Handle properties = property_list(H5P_LINK_CREATE);
  DREAMER_CHECK_HDF5(H5Pset_create_intermediate_group(properties.get(), 1));
  return properties;
}

// A fixed-length string type of max(1, length) bytes, NUL-padded, UTF-8.
Handle string_type(std::size_t length) {
  Handle type(DREAMER_CHECK_HDF5(H5Tcopy(H5T_C_S1)), H5Tclose);
  DREAMER_CHECK_HDF5(H5Tset_size(type.get(), std::max<std::size_t>(length, 1)));
  DREAMER_CHECK_HDF5(H5Tset_strpad(type.get(), H5T_STR_NULLPAD));
  DREAMER_CHECK_HDF5(H5Tset_cset(type.get(), H5T_CSET_UTF8));
  return type;
}

std::string padded(const std::string& text) { return text.empty() ? std::string(1, '\0') : text; }

std::string name_of(hid_t object) {
  const ssize_t length = H5Iget_name(object, nullptr, 0);
  if (length <= 0) return "?";
  std::string name(static_cast<std::size_t>(length) + 1, '\0');
  H5Iget_name(object, name.data(), name.size());
  name.resize(static_cast<std::size_t>(length));
  return name;
}

std::string attribute_where(hid_t object, const std::string& name) {
  return "attribute '" + name + "' of '" + name_of(object) + "'";
}

// Checks a string type and returns its length in bytes.
std::size_t fixed_string_length(hid_t type, const std::string& what) {
  if (DREAMER_CHECK_HDF5(H5Tget_class(type)) != H5T_STRING || DREAMER_CHECK_HDF5(H5Tis_variable_str(type)) > 0)
    throw Error(what + " is not a fixed-length string");
  const std::size_t length = H5Tget_size(type);
  if (length == 0) throw Error(what + " declares a string of 0 bytes");
  if (length > kMaxStringBytes)
    throw Error(what + " declares " + std::to_string(length) + " bytes, over " + std::to_string(kMaxStringBytes));
  return length;
}

std::string until_nul(const char* begin, std::size_t length) { return std::string(begin, strnlen(begin, length)); }

// "uint8", "float32", "string", ...: what a stored type holds.
std::string stored_type_name(hid_t type) {
  const std::size_t bits = 8 * H5Tget_size(type);
  switch (DREAMER_CHECK_HDF5(H5Tget_class(type))) {
    case H5T_INTEGER:
      return (H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(bits);
    case H5T_FLOAT:
      return "float" + std::to_string(bits);
    case H5T_STRING:
      return "string";
    default:
      return "another type";
  }
}

Handle open_attribute(hid_t object, const std::string& name) {
  if (!attribute_exists(object, name)) throw Error("missing " + attribute_where(object, name));
  return Handle(DREAMER_CHECK_HDF5(H5Aopen(object, name.c_str(), H5P_DEFAULT)), H5Aclose);
}

template <typename Value>
void write_scalar_attribute(hid_t object, const std::string& name, hid_t type, const Value& value) {
  Handle space = dataspace({});
  Handle attribute(DREAMER_CHECK_HDF5(H5Acreate2(object, name.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT)),
                   H5Aclose);
  DREAMER_CHECK_HDF5(H5Awrite(attribute.get(), type, &value));
}

template <typename Value>
Value read_scalar_attribute(hid_t object, const std::string& name, H5T_class_t expected_class, hid_t memory_type) {
  Handle attribute = open_attribute(object, name);
  Handle type(DREAMER_CHECK_HDF5(H5Aget_type(attribute.get())), H5Tclose);
  Handle space(DREAMER_CHECK_HDF5(H5Aget_space(attribute.get())), H5Sclose);
  if (DREAMER_CHECK_HDF5(H5Sget_simple_extent_type(space.get())) != H5S_SCALAR ||
      DREAMER_CHECK_HDF5(H5Tget_class(type.get())) != expected_class)
    throw Error(attribute_where(object, name) + " is not a scalar " +
                (expected_class == H5T_INTEGER ? "integer" : "float"));
  Value value{};
  DREAMER_CHECK_HDF5(H5Aread(attribute.get(), memory_type, &value));
  return value;
}

template <typename Info, typename Iterate>
std::vector<std::string> collect_names(Iterate iterate) {
  std::vector<std::string> names;
  auto collect = [](hid_t, const char* name, const Info*, void* data) -> herr_t {
    static_cast<std::vector<std::string>*>(data)->emplace_back(name);
    return 0;
  };
  DREAMER_CHECK_HDF5(iterate(+collect, &names));
  return names;
}

}  // namespace

Handle::Handle(Handle&& other) noexcept : id_(std::exchange(other.id_, H5I_INVALID_HID)), closer_(other.closer_) {}

Handle& Handle::operator=(Handle&& other) noexcept {
  if (this != &other) {
    reset();
    id_ = std::exchange(other.id_, H5I_INVALID_HID);
    closer_ = other.closer_;
  }
  return *this;
}

void Handle::close() {
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  if (id >= 0) DREAMER_CHECK_HDF5(closer_(id));
}

void Handle::reset() noexcept {
  const hid_t id = std::exchange(id_, H5I_INVALID_HID);
  if (id >= 0) closer_(id);
}

hid_t native_type(ElementType type) {
  switch (type) {
    case ElementType::kUInt8:
      return H5T_NATIVE_UINT8;
    case ElementType::kUInt16:
      return H5T_NATIVE_UINT16;
    case ElementType::kInt32:
      return H5T_NATIVE_INT32;
    case ElementType::kInt64:
      return H5T_NATIVE_INT64;
    case ElementType::kUInt64:
      return H5T_NATIVE_UINT64;
    case ElementType::kFloat32:
      return H5T_NATIVE_FLOAT;
    case ElementType::kFloat64:
      return H5T_NATIVE_DOUBLE;
  }
  DREAMER_ASSERT(false, "unknown element type");
  return H5I_INVALID_HID;
}

std::size_t element_size(ElementType type) { return H5Tget_size(native_type(type)); }

std::string object_path(hid_t parent, const std::string& name) {
  const std::string base = name_of(parent);
  return base == "/" ? "/" + name : base + "/" + name;
}

std::string shape_text(const std::vector<hsize_t>& shape) {
  std::string text = "[";
  for (std::size_t i = 0; i < shape.size(); ++i) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

Handle create_file(const std::filesystem::path& path, hid_t creation) {
  const Handle access = file_access();
  return Handle(DREAMER_CHECK_HDF5(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, creation, access.get())), H5Fclose);
}

Handle open_file_read_only(const std::filesystem::path& path) {
  silence_hdf5_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0) throw Error("'" + path.string() + "' is not a readable HDF5 file");
  const Handle access = file_access();
  return Handle(DREAMER_CHECK_HDF5(H5Fopen(path.c_str(), H5F_ACC_RDONLY, access.get())), H5Fclose);
}

Handle create_group(hid_t parent, const std::string& path) {
  const Handle links = intermediate_groups();
  return Handle(DREAMER_CHECK_HDF5(H5Gcreate2(parent, path.c_str(), links.get(), H5P_DEFAULT, H5P_DEFAULT)), H5Gclose);
}

Handle open_group(hid_t parent, const std::string& name) {
  if (!exists(parent, name)) throw Error("missing group '" + object_path(parent, name) + "'");
  return Handle(DREAMER_CHECK_HDF5(H5Gopen2(parent, name.c_str(), H5P_DEFAULT)), H5Gclose);
}

Handle open_dataset(hid_t parent, const std::string& name) {
  if (!exists(parent, name)) throw Error("missing dataset '" + object_path(parent, name) + "'");
  return Handle(DREAMER_CHECK_HDF5(H5Dopen2(parent, name.c_str(), H5P_DEFAULT)), H5Dclose);
}

bool exists(hid_t parent, const std::string& path) {
  // Check each component: H5Lexists fails when an intermediate link is missing.
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && DREAMER_CHECK_HDF5(H5Lexists(parent, prefix.c_str(), H5P_DEFAULT)) <= 0) return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

bool attribute_exists(hid_t object, const std::string& name) {
  return DREAMER_CHECK_HDF5(H5Aexists(object, name.c_str())) > 0;
}

std::vector<std::string> link_names(hid_t group) {
  return collect_names<H5L_info_t>([group](H5L_iterate_t callback, void* data) {
    return H5Literate(group, H5_INDEX_NAME, H5_ITER_INC, nullptr, callback, data);
  });
}

std::vector<std::string> attribute_names(hid_t object) {
  return collect_names<H5A_info_t>([object](H5A_operator2_t callback, void* data) {
    return H5Aiterate2(object, H5_INDEX_NAME, H5_ITER_INC, nullptr, callback, data);
  });
}

std::string dataset_type_name(hid_t dataset) {
  Handle type(DREAMER_CHECK_HDF5(H5Dget_type(dataset)), H5Tclose);
  return stored_type_name(type.get());
}

std::vector<hsize_t> dataset_shape(hid_t dataset) {
  Handle space(DREAMER_CHECK_HDF5(H5Dget_space(dataset)), H5Sclose);
  const int rank = DREAMER_CHECK_HDF5(H5Sget_simple_extent_ndims(space.get()));
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  if (rank > 0) DREAMER_CHECK_HDF5(H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr));
  return shape;
}

std::vector<hsize_t> dataset_shape(hid_t parent, const std::string& name) {
  return dataset_shape(open_dataset(parent, name).get());
}

void write_dataset(hid_t parent, const std::string& name, ElementType type, const std::vector<hsize_t>& shape,
                   const void* data, bool compress) {
  Handle space = dataspace(shape);
  const Handle links = intermediate_groups();
  Handle create_properties = property_list(H5P_DATASET_CREATE);
  const hsize_t elements = std::accumulate(shape.begin(), shape.end(), hsize_t{1}, std::multiplies<>());
  if (compress && elements > 0 && !shape.empty()) {
    // Chunks of whole trailing rows, about 1 MiB.
    std::vector<hsize_t> chunk = shape;
    hsize_t bytes = elements * element_size(type);
    for (std::size_t axis = 0; axis < chunk.size() && bytes > (1u << 20); ++axis) {
      const hsize_t keep = std::max<hsize_t>(1, chunk[axis] * (1u << 20) / bytes);
      bytes = bytes / chunk[axis] * keep;
      chunk[axis] = keep;
    }
    DREAMER_CHECK_HDF5(H5Pset_chunk(create_properties.get(), static_cast<int>(chunk.size()), chunk.data()));
    DREAMER_CHECK_HDF5(H5Pset_deflate(create_properties.get(), 1));
  }
  Handle dataset(DREAMER_CHECK_HDF5(H5Dcreate2(parent, name.c_str(), native_type(type), space.get(), links.get(),
                                               create_properties.get(), H5P_DEFAULT)),
                 H5Dclose);
  if (elements > 0) DREAMER_CHECK_HDF5(H5Dwrite(dataset.get(), native_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
}

void require_dataset(hid_t parent, const std::string& name, ElementType type, const std::vector<hsize_t>& shape) {
  Handle dataset = open_dataset(parent, name);
  const std::string where = "dataset '" + object_path(parent, name) + "'";
  const std::string stored_name = dataset_type_name(dataset.get());
  const std::string expected_name = stored_type_name(native_type(type));
  if (stored_name != expected_name) throw Error(where + " holds " + stored_name + ", expected " + expected_name);
  const std::vector<hsize_t> stored_shape = dataset_shape(dataset.get());
  if (stored_shape != shape)
    throw Error(where + " has shape " + shape_text(stored_shape) + ", expected " + shape_text(shape));
}

void read_dataset(hid_t parent, const std::string& name, ElementType type, const std::vector<hsize_t>& shape,
                  void* out) {
  require_dataset(parent, name, type, shape);
  Handle dataset = open_dataset(parent, name);
  const hsize_t elements = std::accumulate(shape.begin(), shape.end(), hsize_t{1}, std::multiplies<>());
  if (elements > 0) DREAMER_CHECK_HDF5(H5Dread(dataset.get(), native_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, out));
}

void write_string_dataset(hid_t parent, const std::string& name, const std::string& text) {
  Handle type = string_type(text.size());
  Handle space = dataspace({});
  const Handle links = intermediate_groups();
  Handle dataset(DREAMER_CHECK_HDF5(
                     H5Dcreate2(parent, name.c_str(), type.get(), space.get(), links.get(), H5P_DEFAULT, H5P_DEFAULT)),
                 H5Dclose);
  DREAMER_CHECK_HDF5(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, padded(text).data()));
}

std::string read_string_dataset(hid_t parent, const std::string& name) {
  Handle dataset = open_dataset(parent, name);
  const std::string where = "dataset '" + object_path(parent, name) + "'";
  Handle type(DREAMER_CHECK_HDF5(H5Dget_type(dataset.get())), H5Tclose);
  const std::size_t length = fixed_string_length(type.get(), where);
  if (!dataset_shape(dataset.get()).empty()) throw Error(where + " is not a scalar");
  std::string text(length, '\0');
  DREAMER_CHECK_HDF5(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()));
  return until_nul(text.data(), length);
}

void write_string_array(hid_t parent, const std::string& name, const std::vector<std::string>& texts) {
  std::size_t longest = 1;
  for (const std::string& text : texts) longest = std::max(longest, text.size());
  Handle type = string_type(longest);
  Handle space = dataspace({texts.size()});
  const Handle links = intermediate_groups();
  Handle dataset(DREAMER_CHECK_HDF5(
                     H5Dcreate2(parent, name.c_str(), type.get(), space.get(), links.get(), H5P_DEFAULT, H5P_DEFAULT)),
                 H5Dclose);
  std::vector<char> packed(longest * texts.size() + 1, '\0');
  for (std::size_t i = 0; i < texts.size(); ++i)
    std::memcpy(packed.data() + i * longest, texts[i].data(), texts[i].size());
  if (!texts.empty())
    DREAMER_CHECK_HDF5(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()));
}

std::vector<std::string> read_string_array(hid_t parent, const std::string& name) {
  Handle dataset = open_dataset(parent, name);
  const std::string where = "dataset '" + object_path(parent, name) + "'";
  Handle type(DREAMER_CHECK_HDF5(H5Dget_type(dataset.get())), H5Tclose);
  const std::size_t length = fixed_string_length(type.get(), where);
  const std::vector<hsize_t> shape = dataset_shape(dataset.get());
  if (shape.size() != 1) throw Error(where + " is not a 1-D string array");
  if (shape[0] > kMaxStringBytes / length)
    throw Error(where + " declares " + std::to_string(shape[0]) + " strings of " + std::to_string(length) +
                " bytes, over " + std::to_string(kMaxStringBytes) + " bytes in all");
  std::vector<char> packed(length * shape[0] + 1, '\0');
  if (shape[0] > 0)
    DREAMER_CHECK_HDF5(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, packed.data()));
  std::vector<std::string> texts;
  for (hsize_t i = 0; i < shape[0]; ++i) texts.push_back(until_nul(packed.data() + i * length, length));
  return texts;
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& text) {
  Handle type = string_type(text.size());
  Handle space = dataspace({});
  Handle attribute(
      DREAMER_CHECK_HDF5(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT)),
      H5Aclose);
  DREAMER_CHECK_HDF5(H5Awrite(attribute.get(), type.get(), padded(text).data()));
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  Handle attribute = open_attribute(object, name);
  Handle type(DREAMER_CHECK_HDF5(H5Aget_type(attribute.get())), H5Tclose);
  const std::size_t length = fixed_string_length(type.get(), attribute_where(object, name));
  std::string text(length, '\0');
  DREAMER_CHECK_HDF5(H5Aread(attribute.get(), type.get(), text.data()));
  return until_nul(text.data(), length);
}

void write_int_attribute(hid_t object, const std::string& name, std::int64_t value) {
  write_scalar_attribute(object, name, H5T_NATIVE_INT64, value);
}

void write_double_attribute(hid_t object, const std::string& name, double value) {
  write_scalar_attribute(object, name, H5T_NATIVE_DOUBLE, value);
}

std::int64_t read_int_attribute(hid_t object, const std::string& name) {
  return read_scalar_attribute<std::int64_t>(object, name, H5T_INTEGER, H5T_NATIVE_INT64);
}

double read_double_attribute(hid_t object, const std::string& name) {
  return read_scalar_attribute<double>(object, name, H5T_FLOAT, H5T_NATIVE_DOUBLE);
}

}  // namespace dreamer::hdf5
