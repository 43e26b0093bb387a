// The fresh-process half of CheckpointResume: a new process builds a
// differently seeded TinyLearner, loads the checkpoint `latest` names in
// <dir>, trains <steps> more steps and writes its flat parameters (float32,
// native byte order) to <out>. Exit code 0 on success.
#include <torch/torch.h>

#include <cstdio>
#include <exception>
#include <fstream>
#include <string>

#include "learner/checkpoint.hpp"
#include "tests/learner/checkpoint_tiny_learner.hpp"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s <checkpoint dir> <steps> <out file>\n", argv[0]);
    return 2;
  }
  try {
    torch::set_num_threads(1);
    dreamer::learner::testing::TinyLearner learner(/*seed=*/999);
    dreamer::learner::CheckpointState state = learner.checkpoint_state();
    dreamer::learner::load_checkpoint(argv[1], state);
    learner.resume_from(state);
    learner.train(std::stoi(argv[2]));
    const torch::Tensor flat = learner.flat_parameters().contiguous();
    std::ofstream out(argv[3], std::ios::binary);
    out.write(static_cast<const char*>(flat.data_ptr()), static_cast<std::streamsize>(flat.nbytes()));
    return out ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "checkpoint_resume_child: %s\n", e.what());
    return 1;
  }
}
