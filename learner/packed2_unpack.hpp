#pragma once
// Device-side unpacking of packed2 observations (common/packed2.hpp: four
// 2-bit shades per byte, leftmost pixel in bits 0-1) with tensor ops only:
//
//   packed uint8 [..., 72, 20] --(byte >> {0,2,4,6}) & 3--> [..., 72, 20, 4]
//                              --reshape--> shades uint8 [..., 72, 80]
//   image = shades / 3 - 0.5   (values -0.5, -1/6, 1/6, 0.5; fp32)
#include <torch/types.h>

namespace dreamer::learner {

torch::Tensor unpack_packed2(const torch::Tensor& packed);
torch::Tensor packed2_to_image(const torch::Tensor& packed);

}  // namespace dreamer::learner
