#include "common/hdf5_file.hpp"

#include <algorithm>
#include <numeric>

#include "common/error.hpp"
#include "common/hdf5_check.hpp"

namespace dreamer::hdf5 {
namespace {

Handle string_type(std::size_t length) {
  Handle type(DREAMER_CHECK_HDF5(H5Tcopy(H5T_C_S1)));
  DREAMER_CHECK_HDF5(H5Tset_size(type.get(), std::max<std::size_t>(length, 1)));
  DREAMER_CHECK_HDF5(H5Tset_strpad(type.get(), H5T_STR_NULLPAD));
  return type;
}

}  // namespace

void Handle::reset() {
  if (id_ >= 0 && H5Iis_valid(id_) > 0) H5Idec_ref(id_);
  id_ = H5I_INVALID_HID;
}

hid_t native_type(ElementType type) {
  switch (type) {
    case ElementType::kUInt8:
      return H5T_NATIVE_UINT8;
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

std::size_t element_size(ElementType type) {
  switch (type) {
    case ElementType::kUInt8:
      return 1;
    case ElementType::kInt32:
      return 4;
    case ElementType::kFloat32:
      return 4;
    case ElementType::kInt64:
      return 8;
    case ElementType::kUInt64:
      return 8;
    case ElementType::kFloat64:
      return 8;
  }
  DREAMER_ASSERT(false, "unknown element type");
  return 0;
}

Handle create_file(const std::filesystem::path& path) {
  return Handle(DREAMER_CHECK_HDF5(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT)));
}

Handle open_file_read_only(const std::filesystem::path& path) {
  silence_hdf5_errors();
  if (H5Fis_hdf5(path.c_str()) <= 0) throw Error("'" + path.string() + "' is not a readable HDF5 file");
  const hid_t file = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (file < 0) throw Error("cannot open HDF5 file '" + path.string() + "': " + hdf5_error_message());
  return Handle(file);
}

Handle create_group(hid_t parent, const std::string& path) {
  Handle properties(DREAMER_CHECK_HDF5(H5Pcreate(H5P_LINK_CREATE)));
  DREAMER_CHECK_HDF5(H5Pset_create_intermediate_group(properties.get(), 1));
  return Handle(DREAMER_CHECK_HDF5(H5Gcreate2(parent, path.c_str(), properties.get(), H5P_DEFAULT, H5P_DEFAULT)));
}

void write_dataset(hid_t parent, const std::string& name, ElementType type, const std::vector<hsize_t>& shape,
                   const void* data, bool compress) {
  Handle space(DREAMER_CHECK_HDF5(H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr)));
  Handle link_properties(DREAMER_CHECK_HDF5(H5Pcreate(H5P_LINK_CREATE)));
  DREAMER_CHECK_HDF5(H5Pset_create_intermediate_group(link_properties.get(), 1));
  Handle create_properties(DREAMER_CHECK_HDF5(H5Pcreate(H5P_DATASET_CREATE)));
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
  Handle dataset(DREAMER_CHECK_HDF5(H5Dcreate2(parent, name.c_str(), native_type(type), space.get(),
                                               link_properties.get(), create_properties.get(), H5P_DEFAULT)));
  if (elements > 0) DREAMER_CHECK_HDF5(H5Dwrite(dataset.get(), native_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, data));
}

void write_string_dataset(hid_t parent, const std::string& name, const std::string& text) {
  Handle type = string_type(text.size());
  Handle space(DREAMER_CHECK_HDF5(H5Screate(H5S_SCALAR)));
  Handle link_properties(DREAMER_CHECK_HDF5(H5Pcreate(H5P_LINK_CREATE)));
  DREAMER_CHECK_HDF5(H5Pset_create_intermediate_group(link_properties.get(), 1));
  Handle dataset(DREAMER_CHECK_HDF5(
      H5Dcreate2(parent, name.c_str(), type.get(), space.get(), link_properties.get(), H5P_DEFAULT, H5P_DEFAULT)));
  const std::string padded = text.empty() ? std::string(1, '\0') : text;
  DREAMER_CHECK_HDF5(H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, padded.data()));
}

void write_int_attribute(hid_t object, const std::string& name, std::int64_t value) {
  Handle space(DREAMER_CHECK_HDF5(H5Screate(H5S_SCALAR)));
  Handle attribute(
      DREAMER_CHECK_HDF5(H5Acreate2(object, name.c_str(), H5T_NATIVE_INT64, space.get(), H5P_DEFAULT, H5P_DEFAULT)));
  DREAMER_CHECK_HDF5(H5Awrite(attribute.get(), H5T_NATIVE_INT64, &value));
}

void write_string_attribute(hid_t object, const std::string& name, const std::string& text) {
  Handle type = string_type(text.size());
  Handle space(DREAMER_CHECK_HDF5(H5Screate(H5S_SCALAR)));
  Handle attribute(
      DREAMER_CHECK_HDF5(H5Acreate2(object, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT)));
  const std::string padded = text.empty() ? std::string(1, '\0') : text;
  DREAMER_CHECK_HDF5(H5Awrite(attribute.get(), type.get(), padded.data()));
}

bool exists(hid_t parent, const std::string& path) {
  silence_hdf5_errors();
  // Check each component: H5Lexists fails when an intermediate link is missing.
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::string prefix = path.substr(0, slash);
    if (!prefix.empty() && H5Lexists(parent, prefix.c_str(), H5P_DEFAULT) <= 0) return false;
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return true;
}

std::vector<hsize_t> dataset_shape(hid_t parent, const std::string& name) {
  Handle dataset(DREAMER_CHECK_HDF5(H5Dopen2(parent, name.c_str(), H5P_DEFAULT)));
  Handle space(DREAMER_CHECK_HDF5(H5Dget_space(dataset.get())));
  const int rank = DREAMER_CHECK_HDF5(H5Sget_simple_extent_ndims(space.get()));
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  DREAMER_CHECK_HDF5(H5Sget_simple_extent_dims(space.get(), shape.data(), nullptr));
  return shape;
}

void read_dataset(hid_t parent, const std::string& name, ElementType type, void* out, std::size_t elements) {
  const std::vector<hsize_t> shape = dataset_shape(parent, name);
  const hsize_t stored = std::accumulate(shape.begin(), shape.end(), hsize_t{1}, std::multiplies<>());
  if (stored != elements)
    throw Error("dataset '" + name + "' holds " + std::to_string(stored) + " elements, expected " +
                std::to_string(elements));
  Handle dataset(DREAMER_CHECK_HDF5(H5Dopen2(parent, name.c_str(), H5P_DEFAULT)));
  if (elements > 0) DREAMER_CHECK_HDF5(H5Dread(dataset.get(), native_type(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, out));
}

std::string read_string_dataset(hid_t parent, const std::string& name) {
  Handle dataset(DREAMER_CHECK_HDF5(H5Dopen2(parent, name.c_str(), H5P_DEFAULT)));
  Handle type(DREAMER_CHECK_HDF5(H5Dget_type(dataset.get())));
  const std::size_t size = H5Tget_size(type.get());
  std::string text(size, '\0');
  DREAMER_CHECK_HDF5(H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, text.data()));
  text.resize(text.find('\0') == std::string::npos ? text.size() : text.find('\0'));
  return text;
}

std::int64_t read_int_attribute(hid_t object, const std::string& name) {
  Handle attribute(DREAMER_CHECK_HDF5(H5Aopen(object, name.c_str(), H5P_DEFAULT)));
  std::int64_t value = 0;
  DREAMER_CHECK_HDF5(H5Aread(attribute.get(), H5T_NATIVE_INT64, &value));
  return value;
}

std::string read_string_attribute(hid_t object, const std::string& name) {
  Handle attribute(DREAMER_CHECK_HDF5(H5Aopen(object, name.c_str(), H5P_DEFAULT)));
  Handle type(DREAMER_CHECK_HDF5(H5Aget_type(attribute.get())));
  const std::size_t size = H5Tget_size(type.get());
  std::string text(size, '\0');
  DREAMER_CHECK_HDF5(H5Aread(attribute.get(), type.get(), text.data()));
  text.resize(text.find('\0') == std::string::npos ? text.size() : text.find('\0'));
  return text;
}

}  // namespace dreamer::hdf5
