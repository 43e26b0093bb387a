#include "learner/autocast_scope.hpp"

#include <ATen/autocast_mode.h>

namespace dreamer::learner {

AutocastScope::AutocastScope(bool enabled, c10::ScalarType dtype)
    : previous_enabled_(at::autocast::is_autocast_enabled(at::kCUDA)),
      previous_dtype_(at::autocast::get_autocast_dtype(at::kCUDA)) {
  at::autocast::set_autocast_enabled(at::kCUDA, enabled);
  at::autocast::set_autocast_dtype(at::kCUDA, dtype);
}

AutocastScope::~AutocastScope() {
  at::autocast::set_autocast_enabled(at::kCUDA, previous_enabled_);
  at::autocast::set_autocast_dtype(at::kCUDA, previous_dtype_);
  if (!previous_enabled_) at::autocast::clear_cache();
}

}  // namespace dreamer::learner
