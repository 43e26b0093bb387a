#include "learner/packed2_unpack.hpp"

#include <torch/torch.h>

#include "common/error.hpp"
#include "common/packed2.hpp"

namespace dreamer::learner {

torch::Tensor unpack_packed2(const torch::Tensor& packed) {
  DREAMER_ASSERT(packed.scalar_type() == torch::kUInt8 && packed.dim() >= 2 && packed.size(-2) == packed2::kHeight &&
                     packed.size(-1) == packed2::kBytesPerRow,
                 "unpack_packed2: expected uint8 [..., 72, 20]");
  // Shifts 0, 2, 4, 6 made on the device (no host-to-device copy, so the
  // unpacking can be captured into a CUDA graph).
  const auto shifts = torch::arange(0, 8, 2, packed.options());
  const auto shades = torch::bitwise_and(torch::bitwise_right_shift(packed.unsqueeze(-1), shifts), 3);
  auto sizes = packed.sizes().vec();
  sizes.back() = packed2::kWidth;
  return shades.reshape(sizes);
}

torch::Tensor packed2_to_image(const torch::Tensor& packed) {
  return unpack_packed2(packed).to(torch::kFloat32) / 3.0 - 0.5;
}

}  // namespace dreamer::learner
