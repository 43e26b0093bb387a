#include "replay/sequence_sampler.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <vector>

#include "common/error.hpp"
#include "replay_test_steps.hpp"

namespace dreamer::replay {
namespace {

ReplayOptions sampler_options() {
  ReplayOptions options;
  options.num_streams = 6;
  options.writer_groups = 3;
  options.capacity = 50;
  options.commit_stride = 5;
  options.safety_margin = 5;
  options.seq_len = 10;
  options.batch_size = 8;
  options.min_size_to_sample = 60;
  options.train_ratio = 4.0;
  options.error_buffer = 100.0;
  return options;
}

// Checks every row of `batch` against the independent recomputation.
void expect_rows_match_their_steps(const ReplayRing& ring, const SampleBatchView& batch) {
  for (int b = 0; b < batch.batch_size; ++b) {
    const int stream = batch.stream[b];
    const std::uint64_t start = batch.start_step[b];
    const StepWindow window = ring.fence(ring.group_of(stream)).window();
    EXPECT_GE(start, window.begin);
    EXPECT_LE(start + static_cast<std::uint64_t>(batch.seq_len), window.end);
    for (int t = 0; t < batch.seq_len; ++t) {
      const std::size_t row = static_cast<std::size_t>(b * batch.seq_len + t);
      const std::uint64_t step = start + static_cast<std::uint64_t>(t);
      const StepFields expected = testing::make_fields(stream, step);
      ASSERT_EQ(batch.stamp[row], step) << "b=" << b << " t=" << t;
      EXPECT_TRUE(testing::observation_matches(stream, step, batch.observations + row * ReplayRing::kObservationBytes));
      if (t == 0) {
        EXPECT_EQ(batch.is_first[row], 1) << "is_first must be forced at index 0";
        EXPECT_EQ(batch.action[row], 0) << "the previous action is zero at a reset";
      } else {
        EXPECT_EQ(batch.is_first[row], expected.is_first ? 1 : 0);
        EXPECT_EQ(batch.action[row], expected.action);
      }
      EXPECT_EQ(batch.reward[row], expected.reward);
      EXPECT_EQ(batch.is_terminal[row], expected.is_terminal ? 1 : 0);
      EXPECT_EQ(batch.is_truncated[row], expected.is_truncated ? 1 : 0);
      EXPECT_EQ(batch.continues[row], expected.is_terminal ? 0.0f : 1.0f);
      EXPECT_EQ(batch.episode_id[row], expected.episode_id);
    }
  }
}

TEST(SequenceSampler, NothingIsSampledBeforeOneSequenceIsCommitted) {
  ReplayRing ring(sampler_options());
  SequenceSampler sampler(ring, 1);
  SampleBatch batch(8, 10);
  EXPECT_EQ(sampler.sample(batch.view()), SampleStatus::kNotReady);
  testing::write_chunks(ring, 0, 1);  // 5 steps < seq_len
  EXPECT_EQ(sampler.sample(batch.view()), SampleStatus::kNotReady);
  // An open (unpublished) chunk does not count.
  ring.begin_chunk(0);
  EXPECT_EQ(sampler.sample(batch.view()), SampleStatus::kNotReady);
}

TEST(SequenceSampler, SampledSequencesAreContiguousCommittedStepsOfOneStream) {
  ReplayRing ring(sampler_options());
  testing::write_chunks(ring, 0, 31);  // wraps three times (K = 50)
  testing::write_chunks(ring, 1, 4);
  testing::write_chunks(ring, 2, 2);  // exactly one sequence: starts at 0 only
  SequenceSampler sampler(ring, 7);
  SampleBatch batch(8, 10);
  bool wrapped = false;
  for (int round = 0; round < 200; ++round) {
    ASSERT_EQ(sampler.sample(batch.view()), SampleStatus::kOk);
    expect_rows_match_their_steps(ring, batch.view());
    for (int b = 0; b < 8; ++b) {
      const std::uint64_t first_slot = batch.view().start_step[b] % 50;
      wrapped = wrapped || first_slot + 10 > 50;
      if (batch.view().stream[b] >= 4) {
        EXPECT_EQ(batch.view().start_step[b], 0u);
      }
    }
  }
  EXPECT_TRUE(wrapped) << "no sampled sequence crossed the ring's end";
}

TEST(SequenceSampler, OpenChunkStepsAreNeverSampled) {
  ReplayRing ring(sampler_options());
  testing::write_chunks(ring, 0, 20);  // committed 100
  const std::uint64_t first = ring.begin_chunk(0);
  std::vector<std::uint8_t> observation(ReplayRing::kObservationBytes);
  for (int i = 0; i < 5; ++i) {
    for (int stream = 0; stream < 2; ++stream) {
      testing::fill_observation(stream, first + i, observation.data());
      ring.write_step(stream, first + i, testing::make_fields(stream, first + i), observation.data());
    }
  }
  SequenceSampler sampler(ring, 3);
  SampleBatch batch(8, 10);
  for (int round = 0; round < 300; ++round) {
    ASSERT_EQ(sampler.sample(batch.view()), SampleStatus::kOk);
    for (int row = 0; row < 80; ++row) {
      EXPECT_LT(batch.view().stamp[row], 100u);
      // Window [100 + 5 + 5 - 50, 100) = [60, 100).
      EXPECT_GE(batch.view().stamp[row], 60u);
    }
  }
  ring.publish_chunk(0);
}

TEST(SequenceSampler, SameSeedAndSameCommitsGiveTheSameBatches) {
  ReplayRing ring_a(sampler_options());
  ReplayRing ring_b(sampler_options());
  for (ReplayRing* ring : {&ring_a, &ring_b}) {
    testing::write_chunks(*ring, 0, 13);
    testing::write_chunks(*ring, 2, 9);
  }
  SequenceSampler sampler_a(ring_a, 42);
  SequenceSampler sampler_b(ring_b, 42);
  SequenceSampler sampler_c(ring_b, 43);
  SampleBatch batch_a(8, 10), batch_b(8, 10), batch_c(8, 10);
  bool differs_with_other_seed = false;
  for (int round = 0; round < 20; ++round) {
    ASSERT_EQ(sampler_a.sample(batch_a.view()), SampleStatus::kOk);
    ASSERT_EQ(sampler_b.sample(batch_b.view()), SampleStatus::kOk);
    ASSERT_EQ(sampler_c.sample(batch_c.view()), SampleStatus::kOk);
    for (int b = 0; b < 8; ++b) {
      EXPECT_EQ(batch_a.view().stream[b], batch_b.view().stream[b]);
      EXPECT_EQ(batch_a.view().start_step[b], batch_b.view().start_step[b]);
      differs_with_other_seed = differs_with_other_seed || batch_a.view().start_step[b] != batch_c.view().start_step[b];
    }
    EXPECT_EQ(
        std::memcmp(batch_a.view().observations, batch_b.view().observations, 8 * 10 * ReplayRing::kObservationBytes),
        0);
  }
  EXPECT_TRUE(differs_with_other_seed);
}

TEST(SequenceSampler, RestoredRngStateRepeatsTheDraws) {
  ReplayRing ring(sampler_options());
  testing::write_chunks(ring, 1, 30);
  SequenceSampler sampler(ring, 5);
  SampleBatch first(8, 10), second(8, 10);
  ASSERT_EQ(sampler.sample(first.view()), SampleStatus::kOk);
  const std::string state = sampler.rng_state();
  ASSERT_EQ(sampler.sample(first.view()), SampleStatus::kOk);
  sampler.set_rng_state(state);
  ASSERT_EQ(sampler.sample(second.view()), SampleStatus::kOk);
  for (int b = 0; b < 8; ++b) {
    EXPECT_EQ(first.view().stream[b], second.view().stream[b]);
    EXPECT_EQ(first.view().start_step[b], second.view().start_step[b]);
  }
  EXPECT_THROW(sampler.set_rng_state("not a generator"), Error);
}

TEST(SequenceSampler, StartsAndStreamsAreUniform) {
  // One group of 2 streams, committed 100 steps, window [100+5+5-50, 100) =
  // [60, 100): 40 steps hold 31 starts of length 10, each with probability
  // 1/31, and each stream with probability 1/2.
  ReplayOptions options = sampler_options();
  options.writer_groups = 1;
  options.num_streams = 2;
  options.min_size_to_sample = 20;
  ReplayRing ring(options);
  testing::write_chunks(ring, 0, 20);
  SequenceSampler sampler(ring, 11);
  SampleBatch batch(8, 10);
  std::vector<double> start_counts(31, 0.0);
  double stream_one = 0.0;
  const int rounds = 4000;
  for (int round = 0; round < rounds; ++round) {
    ASSERT_EQ(sampler.sample(batch.view()), SampleStatus::kOk);
    for (int b = 0; b < 8; ++b) {
      const std::uint64_t start = batch.view().start_step[b];
      ASSERT_GE(start, 60u);
      ASSERT_LE(start, 90u);
      start_counts[start - 60] += 1.0;
      stream_one += batch.view().stream[b];
    }
  }
  const double draws = rounds * 8.0;
  // Pearson chi-square with 30 degrees of freedom; 59.7 is its 0.999 quantile.
  double chi_square = 0.0;
  for (double count : start_counts) {
    const double expected = draws / 31.0;
    chi_square += (count - expected) * (count - expected) / expected;
  }
  EXPECT_LT(chi_square, 59.7);
  // Stream share: binomial(draws, 1/2), 5 standard deviations.
  EXPECT_NEAR(stream_one, draws / 2.0, 5.0 * std::sqrt(draws / 4.0));
}

}  // namespace
}  // namespace dreamer::replay
