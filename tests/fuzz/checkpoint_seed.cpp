#include "tests/fuzz/checkpoint_seed.hpp"

#include "learner/checkpoint.hpp"
#include "tests/learner/checkpoint_tiny_learner.hpp"

namespace dreamer::fuzz {

void write_checkpoint_seed(const std::filesystem::path& file) {
  learner::testing::TinyLearner tiny(/*seed=*/7);
  tiny.train(2);
  // save_checkpoint writes ckpt_<n>.h5 and `latest` into a folder of its
  // own; only the checkpoint file is a seed.
  const std::filesystem::path scratch = file.parent_path() / "checkpoint_save";
  const std::filesystem::path saved = learner::save_checkpoint(scratch, tiny.opt_steps(), tiny.checkpoint_state());
  std::filesystem::rename(saved, file);
  std::filesystem::remove_all(scratch);
}

}  // namespace dreamer::fuzz
