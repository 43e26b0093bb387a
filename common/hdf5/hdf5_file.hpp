#pragma once
// The one HDF5 layer of the project: checkpoints, replay dumps and failure
// bundles are written and read through it. Every call goes through
// DREAMER_CHECK_HDF5, so a failing HDF5 call becomes a dreamer::CallError;
// what a file lacks or holds wrongly (a missing group, a dataset of another
// shape or type, an oversized string) is a dreamer::Error naming the object by
// its path in the file ("dataset '/modules/model/3.weight' has shape ...").
//
// Files are opened with HDF5's flock() locking where the file system has it
// (ignored on NFS/Lustre mounts without it) and closed with
// H5F_CLOSE_STRONG, so a successful close() means every byte of the file has
// been handed to the OS.
#include <hdf5.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace dreamer::hdf5 {

// Owns one HDF5 identifier and closes it with the matching H5?close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), closer_(closer) {}
  Handle(Handle&& other) noexcept;
  Handle& operator=(Handle&& other) noexcept;
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() { reset(); }

  hid_t get() const { return id_; }
  // Closes now and throws when the close fails: a file's close is where
  // HDF5 writes what it still holds.
  void close();
  // Closes now, ignoring failure (clean-up after an error).
  void reset() noexcept;

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer closer_ = nullptr;
};

// Caps the bytes a string attribute, string dataset or string array may
// declare: the largest string written (a checkpoint's config) is a few KiB,
// and a damaged file can declare gigabytes, which must be refused rather than
// allocated.
inline constexpr std::size_t kMaxStringBytes = std::size_t{64} << 20;

enum class ElementType { kUInt8, kUInt16, kInt32, kInt64, kUInt64, kFloat32, kFloat64 };

// The native HDF5 type of an element type, and its size in bytes.
hid_t native_type(ElementType type);
std::size_t element_size(ElementType type);

// "/group/name": the path in the file of `name` under `parent`.
std::string object_path(hid_t parent, const std::string& name);
// "[2, 3]"
std::string shape_text(const std::vector<hsize_t>& shape);

// Truncates. `creation`: a file-creation property list (the seal's user block).
Handle create_file(const std::filesystem::path& path, hid_t creation = H5P_DEFAULT);
Handle open_file_read_only(const std::filesystem::path& path);

// Creates the group and any missing parents ("a/b/c").
Handle create_group(hid_t parent, const std::string& path);
// Throw "missing group '/a/b'" / "missing dataset '/a/b'" when absent.
Handle open_group(hid_t parent, const std::string& name);
Handle open_dataset(hid_t parent, const std::string& name);

// Whether every link of a path ("a/b/c") exists.
bool exists(hid_t parent, const std::string& path);
bool attribute_exists(hid_t object, const std::string& name);
// Names of the links directly inside a group / the attributes of an object,
// in name order.
std::vector<std::string> link_names(hid_t group);
std::vector<std::string> attribute_names(hid_t object);

// What a dataset stores: "uint8", "int64", "float32", "string", ...
std::string dataset_type_name(hid_t dataset);
// Shape of a dataset; empty for a scalar one.
std::vector<hsize_t> dataset_shape(hid_t dataset);
std::vector<hsize_t> dataset_shape(hid_t parent, const std::string& name);

// Writes `data` (C order, product(shape) elements of `type`) as a new dataset;
// an empty shape makes a scalar. Chunked (about 1 MiB of whole trailing rows)
// and deflated when `compress` and the data is non-empty.
void write_dataset(hid_t parent, const std::string& name, ElementType type, const std::vector<hsize_t>& shape,
                   const void* data, bool compress = false);
// Throws unless the dataset exists, is stored as `type` and has exactly `shape`.
void require_dataset(hid_t parent, const std::string& name, ElementType type, const std::vector<hsize_t>& shape);
// Reads a whole dataset into `out` after require_dataset's checks.
void read_dataset(hid_t parent, const std::string& name, ElementType type, const std::vector<hsize_t>& shape,
                  void* out);

// Fixed-length NUL-padded UTF-8 strings: a scalar dataset, a 1-D dataset,
// an attribute.
void write_string_dataset(hid_t parent, const std::string& name, const std::string& text);
std::string read_string_dataset(hid_t parent, const std::string& name);
void write_string_array(hid_t parent, const std::string& name, const std::vector<std::string>& texts);
std::vector<std::string> read_string_array(hid_t parent, const std::string& name);
void write_string_attribute(hid_t object, const std::string& name, const std::string& text);
std::string read_string_attribute(hid_t object, const std::string& name);

// Scalar number attributes; reading checks that one exists and is an integer
// (resp. a float).
void write_int_attribute(hid_t object, const std::string& name, std::int64_t value);
void write_double_attribute(hid_t object, const std::string& name, double value);
std::int64_t read_int_attribute(hid_t object, const std::string& name);
double read_double_attribute(hid_t object, const std::string& name);

}  // namespace dreamer::hdf5
