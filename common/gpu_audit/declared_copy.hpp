#pragma once
// DeclaredCopy: names the host<->device copies that the current thread issues
// while the scope lives, so that the copy audit (common/gpu_audit/copy_audit.hpp) can
// tell declared copies (a chunk upload, a metrics read-back) from stray ones.
//
//   {
//     DeclaredCopy scope("chunk_fields");
//     cudaMemcpyAsync(device, host, bytes, cudaMemcpyHostToDevice, stream);
//   }
//
// Without a running CudaActivityTrace a scope costs one atomic load and does
// nothing else, so hot paths keep their scopes always. While a trace runs,
// the constructor pushes the scope's id (copy_scope_id) as a CUPTI external
// correlation id for the calling thread and the destructor pops it; CUPTI
// then tags every CUDA API call that thread makes in between, and the trace
// joins copies to their scope through those tags. Scopes nest: the innermost
// one names the copy. Copies issued by another thread (a worker, a library's
// own thread) are not covered: open the scope on the thread that copies.
//
// This header carries no CUPTI or CUDA types: host code of any build
// (CPU-only included) can use it, and only the trace library links CUPTI.
//
// Thread-safe: any thread may open scopes; a scope must be destroyed on the
// thread that created it (the correlation stack is per thread).
#include <cstdint>
#include <string>
#include <string_view>

namespace dreamer {

// Process-wide table of scope names: the first call with a name gives it the
// next id (1, 2, ...); the id stays fixed for the life of the process.
// Thread-safe.
std::uint64_t copy_scope_id(std::string_view name);
// The name given to `id` by copy_scope_id; empty for an id never handed out.
std::string copy_scope_name(std::uint64_t id);

// How a running trace receives scope pushes and pops. CudaActivityTrace
// installs its hooks in start() and removes them in stop().
struct CopyScopeHooks {
  bool (*push)(std::uint64_t scope_id);  // false when the push failed
  void (*pop)();
};
// Installs `hooks`, or with nullptr removes them. `hooks` must stay valid for
// the life of the process (a static object): a scope opened while they were
// installed pops through them even after they were removed.
void set_copy_scope_hooks(const CopyScopeHooks* hooks);

class DeclaredCopy {
 public:
  explicit DeclaredCopy(std::string_view name);
  ~DeclaredCopy();
  DeclaredCopy(const DeclaredCopy&) = delete;
  DeclaredCopy& operator=(const DeclaredCopy&) = delete;

 private:
  // The hooks that took this scope's push; nullptr when nothing was pushed.
  const CopyScopeHooks* pushed_to_ = nullptr;
};

}  // namespace dreamer
