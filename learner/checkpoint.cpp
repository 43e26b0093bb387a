#include "learner/checkpoint.hpp"

#include <hdf5.h>

#include <ATen/Context.h>
#include <torch/cuda.h>
#include <torch/version.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>
#include <unordered_map>
#include <utility>

#include "common/error.hpp"
#include "common/file_io.hpp"
#include "common/hdf5/hdf5_check.hpp"
#include "common/hdf5/hdf5_file.hpp"
#include "common/hdf5/hdf5_seal.hpp"
#include "common/run/utc_time.hpp"

namespace dreamer::learner {
namespace fs = std::filesystem;
namespace {

constexpr const char* kLatestName = "latest";
constexpr const char* kFormatName = "dreamer_gb checkpoint";

using hdf5::ElementType;
using hdf5::Handle;

// How each torch dtype is stored. 16-bit floats are stored as their raw bits
// (uint16) since HDF5 1.10 has no such float type; the torch_dtype attribute
// on every tensor dataset says how to read them back.
struct StoredDtype {
  at::ScalarType scalar_type;
  const char* name;
  ElementType element_type;
};
constexpr StoredDtype kStoredDtypes[] = {
    {at::kFloat, "float32", ElementType::kFloat32},    {at::kDouble, "float64", ElementType::kFloat64},
    {at::kLong, "int64", ElementType::kInt64},         {at::kInt, "int32", ElementType::kInt32},
    {at::kByte, "uint8", ElementType::kUInt8},         {at::kBool, "bool", ElementType::kUInt8},
    {at::kBFloat16, "bfloat16", ElementType::kUInt16}, {at::kHalf, "float16", ElementType::kUInt16},
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

std::vector<hsize_t> hdf5_shape(at::IntArrayRef shape) { return std::vector<hsize_t>(shape.begin(), shape.end()); }

// One tensor as a dataset of its shape (a scalar dataspace for 0-d tensors),
// copied to CPU and made contiguous first; `torch_dtype` names the dtype.
void write_tensor_dataset(hid_t location, const std::string& name, const at::Tensor& tensor) {
  const StoredDtype* stored = stored_dtype_of(tensor.scalar_type());
  if (stored == nullptr) {
    throw Error(hdf5::object_path(location, name) + ": dtype " + std::string(c10::toString(tensor.scalar_type())) +
                " cannot be stored in a checkpoint");
  }
  const at::Tensor host = tensor.detach().to(at::kCPU).contiguous();
  hdf5::write_dataset(location, name, stored->element_type, hdf5_shape(host.sizes()), host.data_ptr());
  hdf5::write_string_attribute(hdf5::open_dataset(location, name).get(), "torch_dtype", stored->name);
}

// Reads a tensor dataset into a CPU tensor after checking that its dtype and
// shape are the expected ones.
at::Tensor read_tensor_dataset(hid_t location, const std::string& name, at::ScalarType dtype, at::IntArrayRef shape) {
  const std::string where = "dataset '" + hdf5::object_path(location, name) + "'";
  const std::string stored_name = hdf5::read_string_attribute(hdf5::open_dataset(location, name).get(), "torch_dtype");
  const StoredDtype* stored = stored_dtype_named(stored_name);
  if (stored == nullptr) throw Error(where + " has unknown torch_dtype '" + stored_name + "'");
  if (stored->scalar_type != dtype) {
    throw Error(where + " is " + stored_name + ", expected " + std::string(c10::toString(dtype)));
  }
  at::Tensor tensor = at::empty(shape, at::TensorOptions().dtype(dtype).device(at::kCPU));
  hdf5::read_dataset(location, name, stored->element_type, hdf5_shape(shape), tensor.data_ptr());
  return tensor;
}

void write_bytes_dataset(hid_t location, const std::string& name, const std::string& bytes) {
  at::Tensor tensor = at::empty({static_cast<std::int64_t>(bytes.size())}, at::kByte);
  if (!bytes.empty()) std::memcpy(tensor.data_ptr(), bytes.data(), bytes.size());
  write_tensor_dataset(location, name, tensor);
}

// Byte arrays (generator states, a few KiB) are capped like strings: a file
// can declare terabytes, which must be refused rather than allocated.
std::string read_bytes_dataset(hid_t location, const std::string& name) {
  const std::string where = "dataset '" + hdf5::object_path(location, name) + "'";
  const std::vector<hsize_t> shape = hdf5::dataset_shape(location, name);
  if (shape.size() != 1) throw Error(where + " is not a 1-d byte array");
  if (shape[0] > hdf5::kMaxStringBytes) {
    throw Error(where + " declares " + std::to_string(shape[0]) + " bytes, more than the " +
                std::to_string(hdf5::kMaxStringBytes) + " bytes a byte array may hold");
  }
  const at::Tensor tensor = read_tensor_dataset(location, name, at::kByte, {static_cast<std::int64_t>(shape[0])});
  return std::string(static_cast<const char*>(tensor.data_ptr()), static_cast<size_t>(shape[0]));
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

// `bytes` once a copy of `generator` has accepted them as its state, so that
// a state of another size or an invalid one is refused while staging, before
// anything is restored.
std::string accepted_generator_state(const at::Generator& generator, std::string bytes, const std::string& where) {
  try {
    set_generator_state_bytes(generator.clone(), bytes);
  } catch (const c10::Error& e) {
    throw Error(where + " is not a state of this generator: " + e.what_without_backtrace());
  }
  return bytes;
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
  Handle group = hdf5::create_group(modules_group, named.name);
  for (const auto& [name, tensor] : module_tensors(*named.module)) {
    write_tensor_dataset(group.get(), name, tensor);
  }
}

void write_optimizer(hid_t optimizers_group, const NamedOptimizer& named,
                     const std::unordered_map<const void*, std::string>& parameter_names) {
  check_name(named.name, "optimizer");
  DREAMER_ASSERT(named.optimizer != nullptr, "checkpoint optimizer '" + named.name + "' is null");
  torch::optim::Adam& optimizer = *named.optimizer;
  Handle group = hdf5::create_group(optimizers_group, named.name);
  hdf5::write_string_attribute(group.get(), "type", "adam");
  hdf5::write_int_attribute(group.get(), "num_groups", static_cast<std::int64_t>(optimizer.param_groups().size()));
  for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
    const torch::optim::OptimizerParamGroup& param_group = optimizer.param_groups()[g];
    const auto& options = static_cast<const torch::optim::AdamOptions&>(param_group.options());
    Handle group_id = hdf5::create_group(group.get(), param_group_name(g));
    hdf5::write_double_attribute(group_id.get(), "lr", options.lr());
    hdf5::write_double_attribute(group_id.get(), "beta1", std::get<0>(options.betas()));
    hdf5::write_double_attribute(group_id.get(), "beta2", std::get<1>(options.betas()));
    hdf5::write_double_attribute(group_id.get(), "eps", options.eps());
    hdf5::write_double_attribute(group_id.get(), "weight_decay", options.weight_decay());
    hdf5::write_int_attribute(group_id.get(), "amsgrad", options.amsgrad() ? 1 : 0);
    hdf5::write_int_attribute(group_id.get(), "num_params", static_cast<std::int64_t>(param_group.params().size()));
    for (size_t i = 0; i < param_group.params().size(); ++i) {
      const at::Tensor& parameter = param_group.params()[i];
      const auto found = optimizer.state().find(parameter.unsafeGetTensorImpl());
      if (found == optimizer.state().end()) continue;  // never stepped: no state yet
      const auto& state = static_cast<const torch::optim::AdamParamState&>(*found->second);
      Handle state_group = hdf5::create_group(group_id.get(), param_state_name(i));
      hdf5::write_int_attribute(state_group.get(), "step", state.step());
      const auto name = parameter_names.find(parameter.unsafeGetTensorImpl());
      if (name != parameter_names.end()) hdf5::write_string_attribute(state_group.get(), "parameter", name->second);
      write_tensor_dataset(state_group.get(), "exp_avg", state.exp_avg());
      write_tensor_dataset(state_group.get(), "exp_avg_sq", state.exp_avg_sq());
      if (state.max_exp_avg_sq().defined()) {
        write_tensor_dataset(state_group.get(), "max_exp_avg_sq", state.max_exp_avg_sq());
      }
    }
  }
}

void write_checkpoint_file(const fs::path& path, std::int64_t opt_steps, const CheckpointState& state,
                           const CheckpointSaveOptions& options) {
  const Handle creation = hdf5::seal_creation_properties();
  Handle file = hdf5::create_file(path, creation.get());

  {
    Handle meta = hdf5::create_group(file.get(), "meta");
    hdf5::write_string_attribute(meta.get(), "format", kFormatName);
    hdf5::write_int_attribute(meta.get(), "schema_version", kCheckpointSchemaVersion);
    hdf5::write_int_attribute(meta.get(), "opt_steps", opt_steps);
    hdf5::write_string_attribute(meta.get(), "code_version", options.code_version);
    hdf5::write_string_attribute(meta.get(), "created_utc", utc_now_iso8601());
    hdf5::write_string_attribute(meta.get(), "torch_version", TORCH_VERSION);
  }
  hdf5::write_string_dataset(file.get(), "config_json", state.config_json);
  {
    Handle counters = hdf5::create_group(file.get(), "counters");
    for (const auto& [name, value] : state.counters) hdf5::write_int_attribute(counters.get(), name, value);
  }
  std::unordered_map<const void*, std::string> parameter_names;
  {
    Handle modules = hdf5::create_group(file.get(), "modules");
    for (const NamedModule& named : state.modules) {
      write_module(modules.get(), named);
      for (const auto& [name, tensor] : module_tensors(*named.module)) {
        parameter_names.emplace(tensor.unsafeGetTensorImpl(), named.name + "/" + name);
      }
    }
  }
  {
    Handle optimizers = hdf5::create_group(file.get(), "optimizers");
    for (const NamedOptimizer& named : state.optimizers) write_optimizer(optimizers.get(), named, parameter_names);
  }
  {
    Handle rng = hdf5::create_group(file.get(), "rng");
    if (options.save_torch_rng) {
      write_bytes_dataset(rng.get(), "torch_cpu",
                          generator_state_bytes(at::globalContext().defaultGenerator(at::kCPU)));
      for (int device = 0; device < visible_cuda_devices(); ++device) {
        write_bytes_dataset(rng.get(), cuda_generator_name(device),
                            generator_state_bytes(at::globalContext().defaultGenerator(
                                at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device)))));
      }
    }
    Handle extra = hdf5::create_group(rng.get(), "extra");
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

Handle open_checkpoint_file(const fs::path& path) {
  if (!fs::exists(path)) throw Error("file does not exist");
  if (!fs::is_regular_file(path)) throw Error("not a regular file");
  hdf5::verify_seal(path, "dreamer checkpoint");  // before HDF5 parses anything of it
  return hdf5::open_file_read_only(path);
}

CheckpointInfo read_meta(hid_t file, const fs::path& path) {
  if (!hdf5::exists(file, "meta")) {
    throw Error("not a dreamer checkpoint (no /meta group)");
  }
  Handle meta = hdf5::open_group(file, "meta");
  CheckpointInfo info;
  info.file = path;
  const std::int64_t schema_version = hdf5::read_int_attribute(meta.get(), "schema_version");
  // Narrowed only when it fits: 2^32 + 1 must not read as version 1.
  if (schema_version != static_cast<int>(schema_version)) {
    throw Error("schema_version " + std::to_string(schema_version) + " is out of range");
  }
  info.schema_version = static_cast<int>(schema_version);
  info.opt_steps = hdf5::read_int_attribute(meta.get(), "opt_steps");
  info.code_version = hdf5::read_string_attribute(meta.get(), "code_version");
  info.created_utc = hdf5::read_string_attribute(meta.get(), "created_utc");
  return info;
}

void stage_module(hid_t modules_group, const NamedModule& named, Staged& staged) {
  const std::string where = "/modules/" + named.name;
  Handle group = hdf5::open_group(modules_group, named.name);
  std::vector<std::string> expected;
  auto stage = [&](const std::string& name, const at::Tensor& live) {
    at::Tensor loaded = read_tensor_dataset(group.get(), name, live.scalar_type(), live.sizes());
    staged.tensors.emplace_back(live, std::move(loaded));
    expected.push_back(name);
  };
  for (const auto& [name, tensor] : module_tensors(*named.module)) stage(name, tensor);
  std::sort(expected.begin(), expected.end());
  for (const std::string& name : hdf5::link_names(group.get())) {
    if (!std::binary_search(expected.begin(), expected.end(), name)) {
      throw Error(where + "/" + name + " has no counterpart in module '" + named.name + "'");
    }
  }
}

// torch's Adam constructor refuses these settings, but a restore sets them
// through the options' setters, which check nothing: a hand-made file would
// train with a NaN or negative rate, or divide by 1 - beta^step = 0.
void check_adam_settings(const StagedParamGroup& group, const std::string& where) {
  const auto require = [&](const char* name, double value, bool ok, const char* rule) {
    if (!ok) throw Error(where + " attribute '" + name + "' is " + std::to_string(value) + ", must be " + rule);
  };
  const auto non_negative = [](double value) { return std::isfinite(value) && value >= 0.0; };
  const auto below_one = [](double value) { return value >= 0.0 && value < 1.0; };  // false for NaN
  require("lr", group.lr, non_negative(group.lr), "finite and >= 0");
  require("beta1", group.beta1, below_one(group.beta1), "in [0, 1)");
  require("beta2", group.beta2, below_one(group.beta2), "in [0, 1)");
  require("eps", group.eps, non_negative(group.eps), "finite and >= 0");
  require("weight_decay", group.weight_decay, non_negative(group.weight_decay), "finite and >= 0");
}

std::vector<StagedParamGroup> stage_optimizer(hid_t optimizers_group, const NamedOptimizer& named) {
  const std::string where = "/optimizers/" + named.name;
  Handle group = hdf5::open_group(optimizers_group, named.name);
  const std::string type = hdf5::read_string_attribute(group.get(), "type");
  if (type != "adam") throw Error(where + " holds a '" + type + "' optimizer, expected adam");
  torch::optim::Adam& optimizer = *named.optimizer;
  const std::int64_t stored_groups = hdf5::read_int_attribute(group.get(), "num_groups");
  if (stored_groups != static_cast<std::int64_t>(optimizer.param_groups().size())) {
    throw Error(where + " has " + std::to_string(stored_groups) + " param groups, the optimizer has " +
                std::to_string(optimizer.param_groups().size()));
  }
  std::vector<StagedParamGroup> groups;
  for (size_t g = 0; g < optimizer.param_groups().size(); ++g) {
    const std::string group_where = where + "/" + param_group_name(g);
    Handle group_id = hdf5::open_group(group.get(), param_group_name(g));
    const std::vector<at::Tensor>& params = optimizer.param_groups()[g].params();
    const std::int64_t stored_params = hdf5::read_int_attribute(group_id.get(), "num_params");
    if (stored_params != static_cast<std::int64_t>(params.size())) {
      throw Error(group_where + " has " + std::to_string(stored_params) + " parameters, the optimizer has " +
                  std::to_string(params.size()));
    }
    StagedParamGroup staged_group;
    staged_group.lr = hdf5::read_double_attribute(group_id.get(), "lr");
    staged_group.beta1 = hdf5::read_double_attribute(group_id.get(), "beta1");
    staged_group.beta2 = hdf5::read_double_attribute(group_id.get(), "beta2");
    staged_group.eps = hdf5::read_double_attribute(group_id.get(), "eps");
    staged_group.weight_decay = hdf5::read_double_attribute(group_id.get(), "weight_decay");
    staged_group.amsgrad = hdf5::read_int_attribute(group_id.get(), "amsgrad") != 0;
    check_adam_settings(staged_group, group_where);
    for (size_t i = 0; i < params.size(); ++i) {
      if (!hdf5::exists(group_id.get(), param_state_name(i))) {
        staged_group.states.emplace_back(std::nullopt);
        continue;
      }
      const std::string state_where = group_where + "/" + param_state_name(i);
      Handle state_group = hdf5::open_group(group_id.get(), param_state_name(i));
      StagedAdamState state;
      state.parameter = params[i];
      state.step = hdf5::read_int_attribute(state_group.get(), "step");
      if (state.step < 0)
        throw Error(state_where + " attribute 'step' is " + std::to_string(state.step) + ", must be >= 0");
      const at::ScalarType dtype = params[i].scalar_type();
      state.exp_avg = read_tensor_dataset(state_group.get(), "exp_avg", dtype, params[i].sizes());
      state.exp_avg_sq = read_tensor_dataset(state_group.get(), "exp_avg_sq", dtype, params[i].sizes());
      if (hdf5::exists(state_group.get(), "max_exp_avg_sq")) {
        state.max_exp_avg_sq = read_tensor_dataset(state_group.get(), "max_exp_avg_sq", dtype, params[i].sizes());
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
  Handle file = open_checkpoint_file(path);
  Staged staged;
  staged.info = read_supported_meta(file.get(), path);
  {
    Handle modules = hdf5::open_group(file.get(), "modules");
    for (const NamedModule& named : state.modules) stage_module(modules.get(), named, staged);
  }
  {
    Handle optimizers = hdf5::open_group(file.get(), "optimizers");
    for (const NamedOptimizer& named : state.optimizers)
      staged.optimizers.push_back(stage_optimizer(optimizers.get(), named));
  }
  {
    Handle counters = hdf5::open_group(file.get(), "counters");
    for (const std::string& name : hdf5::attribute_names(counters.get())) {
      staged.counters[name] = hdf5::read_int_attribute(counters.get(), name);
    }
  }
  {
    Handle rng = hdf5::open_group(file.get(), "rng");
    if (options.restore_torch_rng) {
      if (hdf5::exists(rng.get(), "torch_cpu")) {
        staged.torch_cpu_rng =
            accepted_generator_state(at::globalContext().defaultGenerator(at::kCPU),
                                     read_bytes_dataset(rng.get(), "torch_cpu"), "dataset '/rng/torch_cpu'");
      }
      for (int device = 0; device < visible_cuda_devices(); ++device) {
        const std::string name = cuda_generator_name(device);
        if (!hdf5::exists(rng.get(), name)) continue;
        staged.torch_cuda_rng[device] = accepted_generator_state(
            at::globalContext().defaultGenerator(at::Device(at::kCUDA, static_cast<c10::DeviceIndex>(device))),
            read_bytes_dataset(rng.get(), name), "dataset '/rng/" + name + "'");
      }
    }
    Handle extra = hdf5::open_group(rng.get(), "extra");
    for (const std::string& name : hdf5::link_names(extra.get())) {
      staged.rng_states[name] = read_bytes_dataset(extra.get(), name);
    }
  }
  staged.config_json = hdf5::read_string_dataset(file.get(), "config_json");
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

// The torch dtype a tensor dataset was saved from, else what it stores.
std::string dataset_dtype_name(hid_t dataset) {
  if (hdf5::attribute_exists(dataset, "torch_dtype")) return hdf5::read_string_attribute(dataset, "torch_dtype");
  return hdf5::dataset_type_name(dataset);
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
    publish_file(temporary, final_path);
    write_file_atomic(directory / kLatestName, file_name + "\n");
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
  } catch (const c10::Error& e) {
    // Without the C++ backtrace torch appends to what().
    throw Error("checkpoint '" + file.string() + "': " + e.what_without_backtrace());
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
    Handle file_id = open_checkpoint_file(file);
    result.info = read_supported_meta(file_id.get(), file);
    result.config_json = hdf5::read_string_dataset(file_id.get(), "config_json");
  } catch (const std::exception& e) {
    throw Error("checkpoint '" + file.string() + "': " + e.what());
  }
  return result;
}

CheckpointListing inspect_checkpoint(const fs::path& file_or_directory) {
  const fs::path file = resolve_file(file_or_directory);
  CheckpointListing listing;
  try {
    Handle file_id = open_checkpoint_file(file);
    if (hdf5::exists(file_id.get(), "meta")) listing.info = read_meta(file_id.get(), file);
    std::vector<std::string> names;
    auto collect = [](hid_t, const char* name, const H5L_info_t*, void* data) -> herr_t {
      static_cast<std::vector<std::string>*>(data)->emplace_back(name);
      return 0;
    };
    DREAMER_CHECK_HDF5(H5Lvisit(file_id.get(), H5_INDEX_NAME, H5_ITER_INC, collect, &names));
    for (const std::string& name : names) {
      Handle object(DREAMER_CHECK_HDF5(H5Oopen(file_id.get(), name.c_str(), H5P_DEFAULT)), H5Oclose);
      if (DREAMER_CHECK_HDF5(H5Iget_type(object.get())) != H5I_DATASET) continue;
      const std::vector<hsize_t> shape = hdf5::dataset_shape(object.get());
      listing.datasets.push_back(
          {"/" + name, dataset_dtype_name(object.get()), std::vector<std::int64_t>(shape.begin(), shape.end())});
    }
  } catch (const std::exception& e) {
    throw Error("checkpoint '" + file.string() + "': " + e.what());
  }
  return listing;
}

}  // namespace dreamer::learner
