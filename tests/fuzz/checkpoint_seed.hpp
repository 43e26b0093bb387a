#pragma once
// The checkpoint seed of tests/fuzz/fuzz_seeds.cpp (built when LibTorch is
// found): a real checkpoint of the small learner that fuzz_checkpoint loads
// into (tests/learner/checkpoint_tiny_learner.hpp), after two Adam steps so
// that every optimizer slot is stored.
#include <filesystem>

namespace dreamer::fuzz {

// Writes the checkpoint to `file` (its folder must exist).
void write_checkpoint_seed(const std::filesystem::path& file);

}  // namespace dreamer::fuzz
