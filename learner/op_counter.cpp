#include "learner/op_counter.hpp"

#include <algorithm>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string_view>
#include <unordered_set>

#include <ATen/record_function.h>

#include "common/error.hpp"

namespace dreamer::learner {
namespace {

// One operator call in flight on this thread.
struct Frame : at::ObserverContext {
  Frame* parent = nullptr;
  bool kernel_with_setup = false;  // counts itself, not its inner calls
  bool host_scalar = false;        // converts a wrapped host scalar: no kernel
  bool inside_kernel = false;      // an enclosing call accounts for this one
  bool work_below = false;         // a call inside this one did work
};

thread_local Frame* tls_innermost = nullptr;

std::atomic<bool> g_counter_alive{false};
std::mutex g_mutex;
std::map<std::string, int64_t, std::less<>> g_counts;  // guarded by g_mutex

const std::unordered_set<std::string_view>& no_work_operators() {
  static const std::unordered_set<std::string_view> kNames = {
      // views and aliases
      "aten::view", "aten::_unsafe_view", "aten::_reshape_alias", "aten::reshape", "aten::view_as", "aten::reshape_as",
      "aten::select", "aten::slice", "aten::narrow", "aten::expand", "aten::expand_as", "aten::broadcast_to",
      "aten::squeeze", "aten::squeeze_", "aten::unsqueeze", "aten::unsqueeze_", "aten::t", "aten::transpose",
      "aten::permute", "aten::movedim", "aten::as_strided", "aten::alias", "aten::detach", "aten::detach_",
      "aten::chunk", "aten::split", "aten::split_with_sizes", "aten::unsafe_chunk", "aten::unsafe_split",
      "aten::unbind", "aten::flatten", "aten::unflatten", "aten::diagonal", "aten::numpy_T", "aten::lift",
      "aten::lift_fresh", "aten::resolve_conj", "aten::resolve_neg", "detach",
      "detach_",  // autograd's own records of Tensor::detach, without a namespace
      "aten::as_strided_",
      // allocation without initialisation, resizing of out= results
      "aten::empty", "aten::empty_like", "aten::empty_strided", "aten::new_empty", "aten::new_empty_strided",
      "aten::set_", "aten::resize_", "aten::resize_as_",
      // metadata queries
      "aten::size", "aten::sym_size", "aten::stride", "aten::sym_stride", "aten::numel", "aten::sym_numel", "aten::dim",
      "aten::is_contiguous", "aten::result_type", "aten::is_same_size", "aten::_has_compatible_shallow_copy_type",
      // conversions whose work, if any, is an inner call (aten::_to_copy, aten::clone)
      "aten::to", "aten::type_as", "aten::contiguous"};
  return kNames;
}

// Operators that launch their own kernel after inner calls that prepare the
// output (a reduction's fill_, addmm's copy_ of the bias, a backward's
// zero_): count the operator, not the preparation.
const std::unordered_set<std::string_view>& kernels_with_setup() {
  static const std::unordered_set<std::string_view> kNames = {"aten::addmm",
                                                              "aten::addmm_",
                                                              "aten::sum",
                                                              "aten::mean",
                                                              "aten::max",
                                                              "aten::min",
                                                              "aten::amax",
                                                              "aten::amin",
                                                              "aten::any",
                                                              "aten::all",
                                                              "aten::argmax",
                                                              "aten::argmin",
                                                              "aten::prod",
                                                              "aten::pow",
                                                              "aten::norm",
                                                              "aten::linalg_vector_norm",
                                                              "aten::native_layer_norm_backward"};
  return kNames;
}

// A Python-style scalar operand (x * 0.5) travels as a 0-dim "wrapped
// number" tensor on the host; converting it to the operation's dtype is host
// work on every device (CUDA kernels take it as an argument).
bool converts_host_scalar(const at::RecordFunction& call) {
  const std::string_view name = call.name();
  if (name != "aten::to" && name != "aten::_to_copy") return false;
  const auto inputs = call.inputs();
  return !inputs.empty() && inputs[0].isTensor() && inputs[0].toTensor().unsafeGetTensorImpl()->is_wrapped_number();
}

// Autograd's records of a backward node's evaluation wrap the node's
// operators; they launch nothing themselves.
bool is_wrapper(std::string_view name) { return name.starts_with("autograd::"); }

std::unique_ptr<at::ObserverContext> on_start(const at::RecordFunction& call) {
  auto frame = std::make_unique<Frame>();
  frame->parent = tls_innermost;
  frame->kernel_with_setup = kernels_with_setup().contains(call.name());
  frame->host_scalar = converts_host_scalar(call);
  frame->inside_kernel = frame->parent != nullptr && (frame->parent->inside_kernel ||
                                                      frame->parent->kernel_with_setup || frame->parent->host_scalar);
  tls_innermost = frame.get();
  return frame;
}

void on_end(const at::RecordFunction& call, at::ObserverContext* context) {
  auto* frame = static_cast<Frame*>(context);
  if (frame == nullptr) return;
  tls_innermost = frame->parent;
  if (frame->inside_kernel || frame->host_scalar) return;
  const std::string_view name = call.name();
  const bool counted =
      frame->kernel_with_setup || (!frame->work_below && !no_work_operators().contains(name) && !is_wrapper(name));
  if ((counted || frame->work_below) && frame->parent != nullptr) frame->parent->work_below = true;
  if (!counted || !g_counter_alive.load(std::memory_order_acquire)) return;
  const std::lock_guard<std::mutex> lock(g_mutex);
  const auto it = g_counts.find(name);
  if (it == g_counts.end()) {
    g_counts.emplace(std::string(name), 1);
  } else {
    ++it->second;
  }
}

}  // namespace

OpCounter::OpCounter() {
  DREAMER_ASSERT(!g_counter_alive.exchange(true), "OpCounter: only one counter may exist at a time");
  {
    const std::lock_guard<std::mutex> lock(g_mutex);
    g_counts.clear();
  }
  handle_ = at::addGlobalCallback(
      at::RecordFunctionCallback(on_start, on_end).needsInputs(true).scopes({at::RecordScope::FUNCTION}));
}

OpCounter::~OpCounter() {
  at::removeCallback(handle_);
  g_counter_alive.store(false, std::memory_order_release);
}

int64_t OpCounter::total() const {
  const std::lock_guard<std::mutex> lock(g_mutex);
  int64_t sum = 0;
  for (const auto& [name, count] : g_counts) sum += count;
  return sum;
}

std::vector<std::pair<std::string, int64_t>> OpCounter::by_name(size_t limit) const {
  std::vector<std::pair<std::string, int64_t>> result;
  {
    const std::lock_guard<std::mutex> lock(g_mutex);
    result.assign(g_counts.begin(), g_counts.end());
  }
  std::stable_sort(result.begin(), result.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  if (limit > 0 && result.size() > limit) result.resize(limit);
  return result;
}

bool OpCounter::is_no_work_operator(const std::string& name) {
  return no_work_operators().contains(name) || is_wrapper(name);
}

}  // namespace dreamer::learner
