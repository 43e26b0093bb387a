// Checkpoints (learner/checkpoint.hpp) as dreamer_eval and --resume read
// them: HDF5 bytes read by read_checkpoint_config, listed by
// inspect_checkpoint, and loaded into the small learner the seed was saved
// from (tests/learner/checkpoint_tiny_learner.hpp, tests/fuzz/fuzz_seeds.cpp),
// so a valid seed passes every check and is restored into its modules, Adam
// state and generators. Every HDF5 handle must be closed after each, and a
// refused load must leave the learner as it was (the loader promises all or
// nothing): a change is a finding, reported like the others by an abort.
#include <ATen/Context.h>

#include <cstdio>
#include <cstdlib>

#include "learner/checkpoint.hpp"
#include "tests/fuzz/fuzz_entry.hpp"
#include "tests/fuzz/hdf5_ids.hpp"
#include "tests/fuzz/input_file.hpp"
#include "tests/learner/checkpoint_tiny_learner.hpp"

namespace {

using dreamer::learner::testing::TinyLearner;

// What a load may change: parameters and buffers, Adam's state and options,
// torch's CPU generator.
struct LearnerSnapshot {
  torch::Tensor parameters;
  std::size_t adam_states = 0;
  std::vector<double> learning_rates;
  torch::Tensor cpu_generator;

  static LearnerSnapshot of(TinyLearner& tiny) {
    LearnerSnapshot snapshot;
    snapshot.parameters = tiny.flat_parameters().clone();
    snapshot.adam_states = tiny.optimizer().state().size();
    for (const auto& group : tiny.optimizer().param_groups())
      snapshot.learning_rates.push_back(group.options().get_lr());
    snapshot.cpu_generator = at::globalContext().defaultGenerator(at::kCPU).get_state();
    return snapshot;
  }

  bool same_as(const LearnerSnapshot& other) const {
    return torch::equal(parameters, other.parameters) && adam_states == other.adam_states &&
           learning_rates == other.learning_rates && torch::equal(cpu_generator, other.cpu_generator);
  }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace dreamer;
  const auto file = fuzz::input_file(std::span<const std::uint8_t>(data, size), "ckpt_2.h5");
  fuzz::run_loader(data, size, [&](std::span<const std::uint8_t>) {
    fuzz::with_hdf5_id_check([&] { learner::read_checkpoint_config(file); });
  });
  fuzz::run_loader(data, size, [&](std::span<const std::uint8_t>) {
    fuzz::with_hdf5_id_check([&] { learner::inspect_checkpoint(file); });
  });
  return fuzz::run_loader(data, size, [&](std::span<const std::uint8_t>) {
    TinyLearner tiny(/*seed=*/1);
    learner::CheckpointState state = tiny.checkpoint_state();
    const LearnerSnapshot before = LearnerSnapshot::of(tiny);
    try {
      fuzz::with_hdf5_id_check([&] { learner::load_checkpoint(file, state); });
    } catch (const Error&) {
      if (!LearnerSnapshot::of(tiny).same_as(before)) {
        std::fprintf(stderr, "a refused checkpoint load changed the learner\n");
        std::abort();
      }
      throw;
    }
  });
}
