// Tests for work shared out over threads (plan/parallel.h), as the plan loader uses it.
#include "plan/parallel.h"

#include <gtest/gtest.h>

#include <atomic>
#include <new>
#include <stdexcept>
#include <vector>

namespace plan_reminder::plan {
namespace {

// Tests that every task runs exactly once, whatever the number of threads.
TEST(ForEachInParallelTest, RunsEveryTaskOnce) {
  for (unsigned threads : {1u, 2u, 8u}) {
    std::vector<std::atomic<int>> runs(100);
    for_each_in_parallel(runs.size(), threads, [&](std::size_t i) { ++runs[i]; });
    for (std::size_t i = 0; i < runs.size(); ++i) {
      EXPECT_EQ(runs[i].load(), 1) << "task " << i << " on " << threads << " threads";
    }
  }
}

// Tests that a task that throws on a worker thread does not end the process: the other tasks
// still run, and the exception reaches the caller once every thread has finished.
TEST(ForEachInParallelTest, AnExceptionInATaskReachesTheCaller) {
  for (unsigned threads : {1u, 4u}) {
    std::vector<std::atomic<int>> runs(50);
    EXPECT_THROW(for_each_in_parallel(runs.size(), threads,
                                      [&](std::size_t i) {
                                        ++runs[i];
                                        if (i % 10 == 3) {
                                          throw std::bad_alloc();
                                        }
                                      }),
                 std::bad_alloc);
    for (std::size_t i = 0; i < runs.size(); ++i) {
      EXPECT_EQ(runs[i].load(), 1) << "task " << i << " on " << threads << " threads";
    }
  }
}

// Tests that nothing to do does nothing, without starting a thread.
TEST(ForEachInParallelTest, NothingToDoRunsNothing) {
  int runs = 0;
  for_each_in_parallel(0, 4, [&](std::size_t) { ++runs; });
  EXPECT_EQ(runs, 0);
}

}  // namespace
}  // namespace plan_reminder::plan
