// Prints the mean wall time of DreamerAgent::update for a preset on CPU (or
// CUDA when available), with synthetic moving-block batches.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <torch/torch.h>

#include "learner/dreamer_agent.hpp"
#include "synthetic_batch.hpp"

int main(int argc, char** argv) {
  using namespace dreamer::learner;
  const std::string preset = argc > 1 ? argv[1] : "tiny";
  auto options = DreamerOptions::preset(preset);
  if (argc > 3) {
    options.train.batch_size = std::atoi(argv[2]);
    options.train.seq_len = std::atoi(argv[3]);
  }
  const int iterations = argc > 4 ? std::atoi(argv[4]) : 3;
  const torch::Device device = torch::cuda::is_available() ? torch::kCUDA : torch::kCPU;
  torch::manual_seed(0);
  DreamerAgent agent(options, device);
  const auto batch = testing::moving_block_batch(options.train.batch_size, options.train.seq_len, 1);
  agent.update(batch).read();  // warm-up
  const auto start = std::chrono::steady_clock::now();
  UpdateMetrics metrics;
  for (int i = 0; i < iterations; ++i) metrics = agent.update(batch);
  metrics.read();
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count() / iterations;
  std::printf("%s batch %d x %d horizon %d on %s (%d threads): %.1f ms per update\n", preset.c_str(),
              options.train.batch_size, options.train.seq_len, options.train.horizon, device.is_cuda() ? "cuda" : "cpu",
              torch::get_num_threads(), ms);
  return 0;
}
