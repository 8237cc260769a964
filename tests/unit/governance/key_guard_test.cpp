#include "governance/key_guard.hpp"

#include <gtest/gtest.h>

#include "unit/governance/peak_tracker.hpp"

#include <atomic>
#include <thread>
#include <vector>

namespace gw::governance {
namespace {

using namespace std::chrono_literals;

class KeyGuardTest : public ::testing::Test {
protected:
  Result<Admission> admit(const KeyLimits& l, std::int64_t tokens = 0,
                          std::string_view ip = "10.0.0.1", std::string_view model = "gpt-4o") {
    return guard_.admit(l, AdmitRequest{1, ip, model, tokens});
  }
  FakeClock clock_;
  KeyGuard guard_{clock_};
};

TEST_F(KeyGuardTest, UnlimitedKeyPasses) {
  EXPECT_TRUE(admit(KeyLimits{}));
}

TEST_F(KeyGuardTest, DisabledExpiredAddressAndModelAre403) {
  KeyLimits disabled;
  disabled.enabled = false;
  KeyLimits expired;
  expired.expires_at = clock_.now();
  KeyLimits ips;
  ips.allowed_ips = IpAllowlist::parse({"192.168.0.0/16"}).value();
  KeyLimits models;
  models.allowed_models = {"claude-*"};
  for (const auto* l : {&disabled, &expired, &ips, &models}) {
    auto r = admit(*l);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code, ErrorCode::Forbidden) << r.error().message;
    EXPECT_EQ(httpStatus(r.error()), 403u);
  }
  expired.expires_at = clock_.now() + 1s;
  EXPECT_TRUE(admit(expired));
}

TEST_F(KeyGuardTest, RpmRefusalIs429WithRetryAfter) {
  KeyLimits l;
  l.rpm_limit = 2;
  EXPECT_TRUE(admit(l));
  EXPECT_TRUE(admit(l));
  auto r = admit(l);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::RateLimited);
  EXPECT_EQ(httpStatus(r.error()), 429u);
  EXPECT_EQ(r.error().retry_after_seconds, 30);
}

TEST_F(KeyGuardTest, ConcurrencySlotHeldUntilSettled) {
  KeyLimits l;
  l.max_concurrency = 1;
  auto first = admit(l);
  ASSERT_TRUE(first);
  auto second = admit(l);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, ErrorCode::RateLimited);
  EXPECT_EQ(second.error().retry_after_seconds, 1);
  guard_.settle(*first, {}, 0);
  EXPECT_TRUE(admit(l));
}

TEST_F(KeyGuardTest, ConcurrencyLimitHoldsUnderLoad) {
  KeyLimits l;
  l.max_concurrency = 4;
  testing::PeakTracker tracker;
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        auto a = admit(l);
        if (!a) {
          continue;
        }
        tracker.enter();
        tracker.leave();
        guard_.settle(*a, {}, 0);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_LE(tracker.peak(), 4);
  EXPECT_EQ(guard_.concurrency().inFlight(1), 0);
}

TEST_F(KeyGuardTest, TpmReconcilesWithRealUsage) {
  KeyLimits l;
  l.tpm_limit = 1000;
  auto a = admit(l, 800);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->tpmCharged(), 800);
  EXPECT_FALSE(admit(l, 300));  // 800 + 300 > 1000
  guard_.settle(*a, TokenUsage{50, 50, 0}, 0);  // really 100
  auto b = admit(l, 900);                       // 100 + 900 fits
  ASSERT_TRUE(b);
  guard_.settle(*b, TokenUsage{600, 700, 0}, 0);  // really 1300: 1400 used
  auto c = admit(l, 1);
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, ErrorCode::RateLimited);
  clock_.advance(25s);  // 400 over, at 60 ms per token
  EXPECT_TRUE(admit(l, 1));
}

TEST_F(KeyGuardTest, TpmRefusalGivesTheRequestBack) {
  KeyLimits l;
  l.rpm_limit = 2;
  l.tpm_limit = 100;
  auto first = admit(l, 100);
  ASSERT_TRUE(first);
  auto refused = admit(l, 50);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("tokens per minute"), std::string::npos);
  guard_.settle(*first, {}, 0);  // used nothing: the 100 tokens come back
  EXPECT_TRUE(admit(l, 10));     // the second request of the minute (the refused one is back)
  auto third = admit(l, 10);
  ASSERT_FALSE(third);
  EXPECT_NE(third.error().message.find("requests per minute"), std::string::npos);
}

TEST_F(KeyGuardTest, BudgetBlocksUntilTheBoundaryAndSettleCharges) {
  std::chrono::system_clock::time_point t;
  ASSERT_TRUE(parseRfc3339("2026-05-10T22:00:00Z", t));
  clock_.setWall(t);
  KeyLimits l;
  l.budget_usd = 1.0;
  l.budget_period = BudgetPeriod::Daily;
  auto a = admit(l);
  ASSERT_TRUE(a);
  guard_.settle(*a, TokenUsage{10, 10, 0}, 1.2);
  guard_.settle(*a, TokenUsage{10, 10, 0}, 1.2);  // idempotent
  EXPECT_DOUBLE_EQ(guard_.budgets().spent(1, BudgetPeriod::Daily), 1.2);
  auto r = admit(l);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, ErrorCode::BudgetExceeded);
  EXPECT_EQ(httpStatus(r.error()), 429u);
  EXPECT_EQ(r.error().retry_after_seconds, 2 * 3600);
  clock_.advance(2h);
  EXPECT_TRUE(admit(l));
}

}  // namespace
}  // namespace gw::governance
