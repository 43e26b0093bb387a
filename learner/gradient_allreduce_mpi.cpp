#include "learner/gradient_allreduce_mpi.hpp"

#include <algorithm>
#include <string>

#include "common/error.hpp"
#include "common/mpi/mpi_check.hpp"

namespace dreamer::learner {
namespace {

constexpr int64_t kMaxElementsPerCall = int64_t{1} << 30;

MPI_Datatype mpi_type_of(const at::Tensor& buffer) {
  switch (buffer.scalar_type()) {
    case at::kFloat:
      return MPI_FLOAT;
    case at::kDouble:
      return MPI_DOUBLE;
    default:
      throw Error("MPI gradient all-reduce supports float32 and float64 gradients, not " +
                  std::string(c10::toString(buffer.scalar_type())));
  }
}

}  // namespace

MpiGradientAllReducer::MpiGradientAllReducer(MPI_Comm learners) {
  DREAMER_CHECK_MPI(MPI_Comm_dup(learners, &comm_));
  DREAMER_CHECK_MPI(MPI_Comm_set_errhandler(comm_, MPI_ERRORS_RETURN));
  DREAMER_CHECK_MPI(MPI_Comm_rank(comm_, &rank_));
  DREAMER_CHECK_MPI(MPI_Comm_size(comm_, &world_size_));
}

MpiGradientAllReducer::~MpiGradientAllReducer() {
  int finalized = 0;
  MPI_Finalized(&finalized);
  if (!finalized && comm_ != MPI_COMM_NULL) MPI_Comm_free(&comm_);
}

AllReduceStats MpiGradientAllReducer::average_gradients(const std::vector<at::Tensor>& parameters) {
  at::Tensor& buffer = buffer_.gather(parameters);
  if (!buffer.device().is_cpu()) {
    throw Error("MPI gradient all-reduce needs CPU gradients, got " + buffer.device().str());
  }
  const MPI_Datatype type = mpi_type_of(buffer);
  auto* bytes = static_cast<char*>(buffer.data_ptr());
  const int64_t element_size = static_cast<int64_t>(buffer.element_size());
  const double start = MPI_Wtime();
  for (int64_t offset = 0; offset < buffer.numel(); offset += kMaxElementsPerCall) {
    const int count = static_cast<int>(std::min(kMaxElementsPerCall, buffer.numel() - offset));
    DREAMER_CHECK_MPI(MPI_Allreduce(MPI_IN_PLACE, bytes + offset * element_size, count, type, MPI_SUM, comm_));
  }
  const double seconds = MPI_Wtime() - start;
  if (world_size_ > 1) buffer.div_(world_size_);
  buffer_.scatter(parameters);
  return AllReduceStats{buffer.numel() * element_size, seconds, world_size_};
}

}  // namespace dreamer::learner
