#include "common/gpu_audit/declared_copy.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <vector>

namespace dreamer {
namespace {

std::atomic<const CopyScopeHooks*> installed_hooks{nullptr};

struct ScopeNames {
  std::mutex mutex;
  std::map<std::string, std::uint64_t, std::less<>> ids;
  std::vector<std::string> names;  // names[id - 1]
};

ScopeNames& scope_names() {
  static ScopeNames table;
  return table;
}

}  // namespace

std::uint64_t copy_scope_id(std::string_view name) {
  ScopeNames& table = scope_names();
  const std::lock_guard lock(table.mutex);
  const auto it = table.ids.find(name);
  if (it != table.ids.end()) return it->second;
  table.names.emplace_back(name);
  const std::uint64_t id = table.names.size();
  table.ids.emplace(std::string(name), id);
  return id;
}

std::string copy_scope_name(std::uint64_t id) {
  ScopeNames& table = scope_names();
  const std::lock_guard lock(table.mutex);
  if (id == 0 || id > table.names.size()) return {};
  return table.names[id - 1];
}

void set_copy_scope_hooks(const CopyScopeHooks* hooks) { installed_hooks.store(hooks, std::memory_order_release); }

DeclaredCopy::DeclaredCopy(std::string_view name) {
  const CopyScopeHooks* hooks = installed_hooks.load(std::memory_order_acquire);
  if (hooks != nullptr && hooks->push(copy_scope_id(name))) pushed_to_ = hooks;
}

DeclaredCopy::~DeclaredCopy() {
  if (pushed_to_ != nullptr) pushed_to_->pop();
}

}  // namespace dreamer
