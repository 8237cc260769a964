#include "auth/login_limiter.hpp"

#include <gtest/gtest.h>

namespace gw::auth {
namespace {

using namespace std::chrono_literals;

class LoginLimiterTest : public ::testing::Test {
protected:
  void fail(int n, const std::string& user = "alice", const std::string& addr = "10.0.0.1") {
    for (int i = 0; i < n; ++i) {
      limiter.recordFailure(user, addr);
    }
  }

  FakeClock clock;
  LoginLimiter limiter{clock};  // 5 failures within 15 minutes
};

TEST_F(LoginLimiterTest, FourFailuresDoNotLock) {
  fail(4);
  EXPECT_FALSE(limiter.blockedFor("alice", "10.0.0.1"));
}

TEST_F(LoginLimiterTest, FiveFailuresLockForTheRestOfTheWindow) {
  fail(5);
  auto wait = limiter.blockedFor("alice", "10.0.0.1");
  ASSERT_TRUE(wait);
  EXPECT_GE(*wait, 899);
  EXPECT_LE(*wait, 901);
  clock.advance(10min);
  wait = limiter.blockedFor("alice", "10.0.0.1");
  ASSERT_TRUE(wait);
  EXPECT_GE(*wait, 299);
  EXPECT_LE(*wait, 301);
}

TEST_F(LoginLimiterTest, WindowExpiryUnlocks) {
  fail(5);
  clock.advance(15min);
  EXPECT_FALSE(limiter.blockedFor("alice", "10.0.0.1"));
  // The old failures no longer count: four new ones do not lock again.
  fail(4);
  EXPECT_FALSE(limiter.blockedFor("alice", "10.0.0.1"));
  fail(1);
  EXPECT_TRUE(limiter.blockedFor("alice", "10.0.0.1"));
}

TEST_F(LoginLimiterTest, FailuresOutsideTheWindowDoNotAddUp) {
  fail(3);
  clock.advance(14min);
  fail(1);
  EXPECT_FALSE(limiter.blockedFor("alice", "10.0.0.1"));
  clock.advance(1min);  // the first three age out
  fail(1);
  EXPECT_FALSE(limiter.blockedFor("alice", "10.0.0.1"));
}

TEST_F(LoginLimiterTest, SuccessResets) {
  fail(4);
  limiter.recordSuccess("alice", "10.0.0.1");
  fail(4);
  EXPECT_FALSE(limiter.blockedFor("alice", "10.0.0.1"));
  fail(1);
  EXPECT_TRUE(limiter.blockedFor("alice", "10.0.0.1"));
}

TEST_F(LoginLimiterTest, LockIsPerUsernameAndAddress) {
  fail(5);
  EXPECT_TRUE(limiter.blockedFor("alice", "10.0.0.1"));
  EXPECT_FALSE(limiter.blockedFor("alice", "10.0.0.2"));
  EXPECT_FALSE(limiter.blockedFor("bob", "10.0.0.1"));
}

TEST_F(LoginLimiterTest, UsernameIsCaseInsensitive) {
  // The users table compares usernames without case, so the lock does too.
  fail(3, "Alice");
  fail(2, "ALICE");
  EXPECT_TRUE(limiter.blockedFor("alice", "10.0.0.1"));
}

TEST_F(LoginLimiterTest, CustomLimits) {
  LoginLimiter strict(clock, 2, 1min);
  strict.recordFailure("u", "a");
  EXPECT_FALSE(strict.blockedFor("u", "a"));
  strict.recordFailure("u", "a");
  auto wait = strict.blockedFor("u", "a");
  ASSERT_TRUE(wait);
  EXPECT_LE(*wait, 61);
  clock.advance(1min);
  EXPECT_FALSE(strict.blockedFor("u", "a"));
}

}  // namespace
}  // namespace gw::auth
