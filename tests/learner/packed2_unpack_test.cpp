// Device-side packed2 unpack against the host codec of common/packed2.hpp.
#include <vector>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "common/packed2.hpp"
#include "learner/packed2_unpack.hpp"

namespace dreamer::learner {
namespace {

TEST(Packed2Unpack, TensorUnpackEqualsHostUnpackFrame) {
  torch::manual_seed(13);
  const auto packed = torch::randint(0, 256, {3, 2, packed2::kHeight, packed2::kBytesPerRow}, torch::kUInt8);
  const auto shades = unpack_packed2(packed);
  ASSERT_EQ(shades.sizes(), (std::vector<int64_t>{3, 2, packed2::kHeight, packed2::kWidth}));
  ASSERT_EQ(shades.scalar_type(), torch::kUInt8);
  const auto flat_packed = packed.reshape({6, packed2::kBytesPerFrame}).contiguous();
  const auto flat_shades = shades.reshape({6, packed2::kPixelsPerFrame}).contiguous();
  for (int frame = 0; frame < 6; ++frame) {
    std::vector<std::uint8_t> expected(packed2::kPixelsPerFrame);
    packed2::unpack_frame(flat_packed[frame].data_ptr<std::uint8_t>(), expected.data());
    const auto* actual = flat_shades[frame].data_ptr<std::uint8_t>();
    for (int i = 0; i < packed2::kPixelsPerFrame; ++i) {
      ASSERT_EQ(actual[i], expected[static_cast<size_t>(i)]) << "frame " << frame << " pixel " << i;
    }
  }
}

TEST(Packed2Unpack, LeftmostPixelComesFromTheLowBitsAndImageIsShadeOverThreeMinusHalf) {
  auto packed = torch::zeros({packed2::kHeight, packed2::kBytesPerRow}, torch::kUInt8);
  packed[0][0] = packed2::pack_four(3, 2, 1, 0);
  const auto image = packed2_to_image(packed);
  EXPECT_FLOAT_EQ(image[0][0].item<float>(), 0.5f);
  EXPECT_FLOAT_EQ(image[0][1].item<float>(), 2.0f / 3.0f - 0.5f);
  EXPECT_FLOAT_EQ(image[0][2].item<float>(), 1.0f / 3.0f - 0.5f);
  EXPECT_FLOAT_EQ(image[0][3].item<float>(), -0.5f);
  EXPECT_FLOAT_EQ(image[1][0].item<float>(), -0.5f);
}

}  // namespace
}  // namespace dreamer::learner
