#pragma once
// Small RAII layer over the HDF5 C API for the files this project writes
// (failure bundles, checkpoints, replay dumps). Every call goes through
// DREAMER_CHECK_HDF5, so a failure becomes a dreamer::CallError naming the
// call; handles close themselves.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

namespace dreamer::hdf5 {

// Owns one HDF5 identifier (file, group, dataset, dataspace, type, attribute).
class Handle {
 public:
  Handle() = default;
  explicit Handle(hid_t id) : id_(id) {}
  ~Handle() { reset(); }
  Handle(Handle&& other) noexcept : id_(other.id_) { other.id_ = H5I_INVALID_HID; }
  Handle& operator=(Handle&& other) noexcept {
    if (this != &other) {
      reset();
      id_ = other.id_;
      other.id_ = H5I_INVALID_HID;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  void reset();

 private:
  hid_t id_ = H5I_INVALID_HID;
};

enum class ElementType { kUInt8, kInt32, kInt64, kUInt64, kFloat32, kFloat64 };

// The native HDF5 type of an element type, and its size in bytes.
hid_t native_type(ElementType type);
std::size_t element_size(ElementType type);

Handle create_file(const std::filesystem::path& path);  // truncates
Handle open_file_read_only(const std::filesystem::path& path);
// Creates the group and any missing parents ("a/b/c").
Handle create_group(hid_t parent, const std::string& path);

// Writes `data` (C order, product(shape) elements of `type`) as a new
// dataset; chunked + deflate when `compress` and the data is non-empty.
void write_dataset(hid_t parent, const std::string& name, ElementType type, const std::vector<hsize_t>& shape,
                   const void* data, bool compress = false);
void write_string_dataset(hid_t parent, const std::string& name, const std::string& text);
void write_int_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_string_attribute(hid_t object, const std::string& name, const std::string& text);

bool exists(hid_t parent, const std::string& path);
std::vector<hsize_t> dataset_shape(hid_t parent, const std::string& name);
// Reads a whole dataset into `out` (size must match) converting to `type`.
void read_dataset(hid_t parent, const std::string& name, ElementType type, void* out, std::size_t elements);
std::string read_string_dataset(hid_t parent, const std::string& name);
std::int64_t read_int_attribute(hid_t object, const std::string& name);
std::string read_string_attribute(hid_t object, const std::string& name);

}  // namespace dreamer::hdf5
