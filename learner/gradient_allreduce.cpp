#include "learner/gradient_allreduce.hpp"

#include "common/error.hpp"
#include "learner/gradient_allreduce_mpi.hpp"
#if defined(DREAMER_HAS_CUDA)
#include "learner/gradient_allreduce_nccl.hpp"
#endif

namespace dreamer::learner {

double AllReduceStats::bus_bytes_per_second() const {
  if (seconds <= 0.0 || world_size < 1) return 0.0;
  return static_cast<double>(bytes) / seconds * 2.0 * (world_size - 1) / world_size;
}

std::string_view to_string(AllReduceBackend backend) {
  switch (backend) {
    case AllReduceBackend::kMpi:
      return "mpi";
    case AllReduceBackend::kNccl:
      return "nccl";
  }
  return "unknown";
}

std::unique_ptr<GradientAllReducer> make_gradient_all_reducer(MPI_Comm learners, const c10::Device& device) {
  if (device.is_cpu()) return std::make_unique<MpiGradientAllReducer>(learners);
  if (device.is_cuda()) {
#if defined(DREAMER_HAS_CUDA)
    return std::make_unique<NcclGradientAllReducer>(learners, device.index());
#else
    throw Error("gradient all-reduce on " + device.str() + " needs NCCL: rebuild with -DDREAMER_ENABLE_CUDA=ON");
#endif
  }
  throw Error("gradient all-reduce: unsupported device " + device.str());
}

}  // namespace dreamer::learner
