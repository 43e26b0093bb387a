#pragma once
// A fixed set of worker threads that split index ranges: run(count, body)
// calls body(begin, end) on contiguous slices of [0, count) in parallel and
// returns when all slices are done. Threads live as long as the pool, so a
// step costs two condition-variable handoffs, not thread creation.
//
// run() is not reentrant and must be called from one thread at a time; it
// blocks until every slice has finished. Exceptions in a slice are rethrown
// from run().
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace dreamer::env {

class WorkerPool {
 public:
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }
  void run(int count, const std::function<void(int begin, int end)>& body);

 private:
  void worker_loop(int worker_index);
  void run_slice(int slice_index);

  std::vector<std::thread> workers_;
  std::mutex mutex_;
  std::condition_variable start_;
  std::condition_variable done_;
  const std::function<void(int, int)>* body_ = nullptr;  // guarded by mutex_
  int count_ = 0;
  std::uint64_t generation_ = 0;
  int pending_ = 0;
  bool stopping_ = false;
  std::exception_ptr error_;
};

}  // namespace dreamer::env
