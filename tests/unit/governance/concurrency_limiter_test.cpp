#include "governance/concurrency_limiter.hpp"

#include <gtest/gtest.h>

#include "unit/governance/peak_tracker.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace gw::governance {
namespace {

TEST(ConcurrencyLimiter, PermitsAreCountedAndReleased) {
  ConcurrencyLimiter limiter;
  auto a = limiter.tryAcquire(1, 2);
  auto b = limiter.tryAcquire(1, 2);
  ASSERT_TRUE(a.ok);
  ASSERT_TRUE(b.ok);
  EXPECT_FALSE(limiter.tryAcquire(1, 2).ok);
  EXPECT_EQ(limiter.inFlight(1), 2);
  a.permit.release();
  EXPECT_EQ(limiter.inFlight(1), 1);
  {
    auto c = limiter.tryAcquire(1, 2);
    EXPECT_TRUE(c.ok);
    EXPECT_EQ(limiter.inFlight(1), 2);
  }
  EXPECT_EQ(limiter.inFlight(1), 1);
}

TEST(ConcurrencyLimiter, UnlimitedGivesAnEmptyPermit) {
  ConcurrencyLimiter limiter;
  auto a = limiter.tryAcquire(1, 0);
  EXPECT_TRUE(a.ok);
  EXPECT_FALSE(a.permit.holds());
  EXPECT_EQ(limiter.inFlight(1), 0);
}

TEST(ConcurrencyLimiter, MovedPermitReleasesOnce) {
  ConcurrencyLimiter limiter;
  auto a = limiter.tryAcquire(1, 1);
  ConcurrencyPermit moved = std::move(a.permit);
  EXPECT_FALSE(a.permit.holds());
  EXPECT_TRUE(moved.holds());
  moved = ConcurrencyPermit{};
  EXPECT_EQ(limiter.inFlight(1), 0);
}

TEST(ConcurrencyLimiter, LimitHoldsUnderLoad) {
  ConcurrencyLimiter limiter;
  constexpr int kLimit = 3;
  testing::PeakTracker tracker;
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 2000; ++i) {
        auto p = limiter.tryAcquire(9, kLimit);
        if (!p.ok) {
          continue;
        }
        ++admitted;
        tracker.enter();
        tracker.leave();
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_LE(tracker.peak(), kLimit);
  EXPECT_GT(admitted.load(), 0);
  EXPECT_EQ(limiter.inFlight(9), 0);
}

}  // namespace
}  // namespace gw::governance
