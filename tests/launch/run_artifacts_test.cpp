#include "launch/run_artifacts.hpp"

#include <gtest/gtest.h>
#include <torch/torch.h>

namespace dreamer {
namespace {

TEST(ReconstructionFrames, OriginalBesideDecodedSequenceAfterSequenceWhiteIsShadeZero) {
  // T = 2 steps, B = 3 sequences; normalised values: -0.5 = shade 0 (white),
  // 0.5 = shade 3 (black).
  learner::Reconstruction reconstruction;
  reconstruction.original = torch::full({2, 3, 72, 80}, -0.5f);
  reconstruction.decoded = torch::full({2, 3, 72, 80}, 0.5f);
  reconstruction.original[1][0][3][5] = 0.5f;        // sequence 0, step 1: one black pixel
  reconstruction.decoded[0][1][0][0] = 2.0f;         // out of range: clamped to black
  reconstruction.decoded[0][1][0][1] = -1.0f;        // clamped to white
  reconstruction.decoded[0][1][0][2] = 1.0f / 6.0f;  // shade 2: (0.5 - 1/6) * 255 = 85

  const std::vector<Image> frames = reconstruction_frames(reconstruction, /*max_sequences=*/2, /*scale=*/2);
  ASSERT_EQ(frames.size(), 4u);  // sequences 0 and 1, two steps each
  const Image& first = frames[0];
  EXPECT_EQ(first.width, 80 * 2 + 2 + 80 * 2);
  EXPECT_EQ(first.height, 72 * 2);
  EXPECT_EQ(first.channels, 1);
  EXPECT_EQ(*first.at(0, 0), 255);      // original: white
  EXPECT_EQ(*first.at(160, 0), 255);    // the gap
  EXPECT_EQ(*first.at(161, 143), 255);  // the gap
  EXPECT_EQ(*first.at(162, 0), 0);      // decoded: black
  EXPECT_EQ(*first.at(321, 143), 0);

  const Image& step1 = frames[1];  // sequence 0, step 1
  for (const auto& [x, y] : {std::pair{10, 6}, {11, 6}, {10, 7}, {11, 7}})
    EXPECT_EQ(*step1.at(x, y), 0) << x << "," << y;
  EXPECT_EQ(*step1.at(12, 6), 255);
  EXPECT_EQ(*step1.at(10, 8), 255);

  const Image& sequence1 = frames[2];  // sequence 1, step 0
  EXPECT_EQ(*sequence1.at(162, 0), 0);
  EXPECT_EQ(*sequence1.at(164, 0), 255);
  EXPECT_EQ(*sequence1.at(166, 1), 85);
}

}  // namespace
}  // namespace dreamer
