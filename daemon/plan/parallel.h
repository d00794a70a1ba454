// Work shared out over a few threads (the plan loader parses many files at once). A task that
// throws neither ends the process (std::terminate, as an exception escaping a std::thread does)
// nor stops the other tasks: the first exception is rethrown to the caller once every thread
// has finished, as if the work had run on the caller's thread alone.
#pragma once

#include <atomic>
#include <cstddef>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace plan_reminder::plan {

// Calls `task(i)` once for each i in [0, count), on up to `threads` threads, the caller's
// among them.
template <class Task>
void for_each_in_parallel(std::size_t count, unsigned threads, const Task& task) {
  std::atomic<std::size_t> next{0};
  std::mutex mutex;
  std::exception_ptr first_error;
  auto work = [&] {
    for (std::size_t i = next++; i < count; i = next++) {
      try {
        task(i);
      } catch (...) {
        std::lock_guard lock(mutex);
        if (!first_error) {
          first_error = std::current_exception();
        }
      }
    }
  };
  {
    // jthreads: however this block is left (a thread that cannot be started throws), the
    // threads already started are joined, never left running over the caller's locals.
    std::vector<std::jthread> pool;
    for (unsigned t = 1; t < threads && t < count; ++t) {
      pool.emplace_back(work);
    }
    work();
  }
  if (first_error) {
    std::rethrow_exception(first_error);
  }
}

}  // namespace plan_reminder::plan
