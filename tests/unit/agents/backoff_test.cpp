#include <gtest/gtest.h>

#include "agents/backoff.hpp"

namespace gw::agents {
namespace {

/// Returns the same value every time.
class FixedRandom final : public Random {
public:
  explicit FixedRandom(double v) : v_(v) {}
  double uniform() override { return v_; }

private:
  double v_;
};

using std::chrono::milliseconds;

TEST(Backoff, GrowsExponentiallyUpToTheCap) {
  FixedRandom mid(0.5);  // factor 1.0: no jitter
  Backoff b({milliseconds(500), milliseconds(5000), 2.0, 0.2}, mid);
  EXPECT_EQ(b.next(), milliseconds(500));
  EXPECT_EQ(b.next(), milliseconds(1000));
  EXPECT_EQ(b.next(), milliseconds(2000));
  EXPECT_EQ(b.next(), milliseconds(4000));
  EXPECT_EQ(b.next(), milliseconds(5000));
  EXPECT_EQ(b.next(), milliseconds(5000));
  EXPECT_EQ(b.failures(), 6);
}

TEST(Backoff, ResetStartsAgain) {
  FixedRandom mid(0.5);
  Backoff b({milliseconds(100), milliseconds(10'000), 3.0, 0.0}, mid);
  b.next();
  b.next();
  b.reset();
  EXPECT_EQ(b.failures(), 0);
  EXPECT_EQ(b.next(), milliseconds(100));
  EXPECT_EQ(b.next(), milliseconds(300));
}

TEST(Backoff, JitterStaysWithinItsBand) {
  FixedRandom low(0.0);
  FixedRandom high(0.999999);
  Backoff a({milliseconds(1000), milliseconds(1000), 2.0, 0.2}, low);
  Backoff b({milliseconds(1000), milliseconds(1000), 2.0, 0.2}, high);
  EXPECT_EQ(a.next(), milliseconds(800));
  EXPECT_EQ(b.next(), milliseconds(1200));
}

TEST(Backoff, SeededRandomSpreadsDelays) {
  DefaultRandom random(42);
  Backoff b({milliseconds(1000), milliseconds(1000), 2.0, 0.5}, random);
  milliseconds lo = milliseconds::max(), hi = milliseconds::zero();
  for (int i = 0; i < 200; ++i) {
    const auto d = b.next();
    ASSERT_GE(d, milliseconds(500));
    ASSERT_LE(d, milliseconds(1500));
    lo = std::min(lo, d);
    hi = std::max(hi, d);
  }
  EXPECT_GT(hi - lo, milliseconds(500));  // not all the same
}

TEST(Backoff, ManyFailuresDoNotOverflow) {
  FixedRandom mid(0.5);
  Backoff b({milliseconds(500), milliseconds(30'000), 2.0, 0.2}, mid);
  for (int i = 0; i < 5000; ++i) {
    b.next();
  }
  EXPECT_EQ(b.next(), milliseconds(30'000));
}

}  // namespace
}  // namespace gw::agents
