// The host's concurrency rule: an instance that does not declare NJ_PLUGIN_THREAD_SAFE is never
// called from two threads at once; one that does is called concurrently. The fixture detects
// overlapping calls itself (fixtures/fixture_concurrency.c).
#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include "plugin_host/plugin_host.h"
#include "plugin_test_support.h"

namespace nightjar::plugins {
namespace {

TEST(PluginConcurrency, NeverCallsAnInstanceThatIsNotThreadSafeConcurrently) {
  auto host = PluginHost::Start(
      testing::OneInstance(testing::FixturePath("concurrency"), "concurrency", {}, "serial"));
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  constexpr int kThreads = 8;
  constexpr int kCalls = 100;
  std::atomic<int> overlaps{0};
  std::atomic<int> calls{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      for (int i = 0; i < kCalls; ++i) {
        Classification c = host->Classify(testing::Record("x"), {});
        if (testing::Label(c, "max_inflight")) ++calls;
        if (testing::Label(c, "overlap")) ++overlaps;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(calls.load(), kThreads * kCalls);
  EXPECT_EQ(overlaps.load(), 0);
  EXPECT_EQ(testing::Label(host->Classify(testing::Record("x"), {}), "max_inflight"), "1");
}

TEST(PluginConcurrency, CallsAThreadSafeInstanceConcurrently) {
  // Each call waits until four calls are in flight at once: only a host that lets a
  // thread-safe instance run concurrently lets them all get there.
  constexpr int kThreads = 4;
  auto host = PluginHost::Start(testing::OneInstance(
      testing::FixturePath("concurrency_safe"), "concurrency_safe",
      testing::Scalars({{"rendezvous", std::to_string(kThreads)}}), "parallel"));
  ASSERT_TRUE(host->problems().empty()) << host->problems()[0];
  std::atomic<int> reached{0};
  std::atomic<int> overlaps{0};
  std::latch start(kThreads);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      start.arrive_and_wait();
      Classification c = host->Classify(testing::Record("x"), {});
      if (testing::Label(c, "reached") == "1") ++reached;
      if (testing::Label(c, "overlap")) ++overlaps;
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(reached.load(), kThreads);
  EXPECT_GE(overlaps.load(), kThreads - 1);  // the fixture's detector does see overlap
  EXPECT_TRUE(host->Stats().at(0).thread_safe);
}

}  // namespace
}  // namespace nightjar::plugins
