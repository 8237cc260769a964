#include "governance/rate_limiter.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "core/clock.hpp"

namespace gw::governance {
namespace {

using namespace std::chrono_literals;

TEST(GcraRateLimiter, HundredThreadsAgainstRpmTenLetExactlyTenThrough) {
  GcraRateLimiter limiter;
  FakeClock clock;
  std::atomic<int> allowed{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int i = 0; i < 100; ++i) {
    threads.emplace_back([&] {
      while (!go.load()) {
        std::this_thread::yield();
      }
      if (limiter.tryAcquire(7, 1, 10, clock.steadyNow()).allowed) {
        ++allowed;
      }
    });
  }
  go = true;
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(allowed.load(), 10);
}

TEST(GcraRateLimiter, RefillsOneSlotPerEmissionInterval) {
  GcraRateLimiter limiter;
  FakeClock clock;
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(limiter.tryAcquire(1, 1, 10, clock.steadyNow()).allowed);
  }
  auto denied = limiter.tryAcquire(1, 1, 10, clock.steadyNow());
  ASSERT_FALSE(denied.allowed);
  EXPECT_EQ(denied.retry_after, 6s);
  EXPECT_EQ(denied.retryAfterSeconds(), 6);
  clock.advance(5s);
  EXPECT_FALSE(limiter.tryAcquire(1, 1, 10, clock.steadyNow()).allowed);
  clock.advance(1s);
  EXPECT_TRUE(limiter.tryAcquire(1, 1, 10, clock.steadyNow()).allowed);
  EXPECT_FALSE(limiter.tryAcquire(1, 1, 10, clock.steadyNow()).allowed);
  clock.advance(60s);
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(limiter.tryAcquire(1, 1, 10, clock.steadyNow()).allowed) << i;
  }
}

TEST(GcraRateLimiter, KeysAreIndependent) {
  GcraRateLimiter limiter;
  FakeClock clock;
  ASSERT_TRUE(limiter.tryAcquire(1, 1, 1, clock.steadyNow()).allowed);
  EXPECT_FALSE(limiter.tryAcquire(1, 1, 1, clock.steadyNow()).allowed);
  EXPECT_TRUE(limiter.tryAcquire(2, 1, 1, clock.steadyNow()).allowed);
}

TEST(GcraRateLimiter, TokenCostsAndOversizedRequest) {
  GcraRateLimiter limiter;
  FakeClock clock;
  auto d = limiter.tryAcquire(1, 600, 1000, clock.steadyNow());
  ASSERT_TRUE(d.allowed);
  EXPECT_EQ(d.charged, 600);
  EXPECT_FALSE(limiter.tryAcquire(1, 500, 1000, clock.steadyNow()).allowed);
  EXPECT_TRUE(limiter.tryAcquire(1, 400, 1000, clock.steadyNow()).allowed);
  // A request above the whole limit passes only on an idle key and uses the whole minute.
  clock.advance(60s);
  auto big = limiter.tryAcquire(1, 5000, 1000, clock.steadyNow());
  ASSERT_TRUE(big.allowed);
  EXPECT_EQ(big.charged, 1000);
  EXPECT_FALSE(limiter.tryAcquire(1, 1, 1000, clock.steadyNow()).allowed);
}

TEST(GcraRateLimiter, AdjustReconcilesTokensBothWays) {
  GcraRateLimiter limiter;
  FakeClock clock;
  const auto now = clock.steadyNow();
  ASSERT_TRUE(limiter.tryAcquire(1, 900, 1000, now).allowed);  // estimate 900
  limiter.adjust(1, -800, 1000, now);                          // really used 100
  EXPECT_TRUE(limiter.tryAcquire(1, 900, 1000, now).allowed);
  EXPECT_FALSE(limiter.tryAcquire(1, 1, 1000, now).allowed);
  // Estimated low, used more: the overrun blocks until it has drained.
  clock.advance(60s);
  ASSERT_TRUE(limiter.tryAcquire(2, 100, 1000, clock.steadyNow()).allowed);
  limiter.adjust(2, 1400, 1000, clock.steadyNow());  // 1500 used of 1000
  auto d = limiter.tryAcquire(2, 1, 1000, clock.steadyNow());
  EXPECT_FALSE(d.allowed);
  EXPECT_EQ(d.retryAfterSeconds(), 31);  // 501 tokens over the burst at 60 ms each
  clock.advance(31s);
  EXPECT_TRUE(limiter.tryAcquire(2, 1, 1000, clock.steadyNow()).allowed);
}

TEST(GcraRateLimiter, GivingBackNeverCreditsBeyondAFullMinute) {
  GcraRateLimiter limiter;
  FakeClock clock;
  limiter.adjust(1, -1000, 10, clock.steadyNow());
  for (int i = 0; i < 10; ++i) {
    EXPECT_TRUE(limiter.tryAcquire(1, 1, 10, clock.steadyNow()).allowed);
  }
  EXPECT_FALSE(limiter.tryAcquire(1, 1, 10, clock.steadyNow()).allowed);
}

TEST(GcraRateLimiter, ExactBurstForLimitsThatDoNotDivideAMinute) {
  for (std::int64_t limit : {7, 13, 997, 123'457}) {
    GcraRateLimiter limiter;
    FakeClock clock;
    std::int64_t passed = 0;
    while (limiter.tryAcquire(1, 1, limit, clock.steadyNow()).allowed) {
      ++passed;
      ASSERT_LE(passed, limit);
    }
    EXPECT_EQ(passed, limit);
  }
}

}  // namespace
}  // namespace gw::governance
