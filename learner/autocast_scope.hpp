#pragma once
// RAII switch for CUDA autocast. The agent enables bf16 autocast around its
// forward passes (when configured); the RSSM disables it inside, so the GRU
// and the latent distributions stay in fp32. The previous state is restored
// on destruction. Not thread-safe: autocast state is thread-local in torch
// and the scope must end on the thread that opened it.
#include <c10/core/ScalarType.h>

namespace dreamer::learner {

class AutocastScope {
 public:
  AutocastScope(bool enabled, c10::ScalarType dtype = c10::kBFloat16);
  ~AutocastScope();
  AutocastScope(const AutocastScope&) = delete;
  AutocastScope& operator=(const AutocastScope&) = delete;

 private:
  bool previous_enabled_;
  c10::ScalarType previous_dtype_;
};

}  // namespace dreamer::learner
