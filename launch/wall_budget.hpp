#pragma once
// The training loop's wall-time budget (RunConfig::max_seconds), counted
// from the moment a role starts its loop. 0 seconds: no budget.
#include <chrono>

namespace dreamer {

class WallBudget {
 public:
  explicit WallBudget(double seconds) : seconds_(seconds), start_(std::chrono::steady_clock::now()) {}
  bool spent() const {
    return seconds_ > 0.0 &&
           std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count() >= seconds_;
  }

 private:
  double seconds_;
  std::chrono::steady_clock::time_point start_;
};

}  // namespace dreamer
