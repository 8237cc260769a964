#include <gtest/gtest.h>

#include "routing/health.hpp"
#include "routing_test_support.hpp"

namespace gw::routing {
namespace {

using std::chrono::seconds;

class BreakerTest : public ::testing::Test {
protected:
  FakeClock clock_;
  CircuitBreakerRegistry breakers_{clock_, BreakerPolicy{}};
};

TEST_F(BreakerTest, OpensAfterConsecutiveFailures) {
  for (int i = 0; i < 4; ++i) {
    EXPECT_TRUE(breakers_.allow("k"));
    breakers_.recordFailure("k");
  }
  EXPECT_EQ(breakers_.state("k"), BreakerState::Closed);
  breakers_.recordFailure("k");
  EXPECT_EQ(breakers_.state("k"), BreakerState::Open);
  EXPECT_FALSE(breakers_.allow("k"));
  EXPECT_TRUE(breakers_.allow("other"));
}

TEST_F(BreakerTest, SuccessResetsTheConsecutiveCount) {
  for (int i = 0; i < 4; ++i) {
    breakers_.recordFailure("k");
  }
  breakers_.recordSuccess("k");
  for (int i = 0; i < 4; ++i) {
    breakers_.recordFailure("k");
  }
  EXPECT_EQ(breakers_.state("k"), BreakerState::Closed);
}

TEST_F(BreakerTest, OpensOnFailureRateOverTheWindow) {
  // Alternating failures never reach 5 in a row, but reach 50% over 20 results.
  for (int i = 0; i < 19; ++i) {
    if (i % 2 == 0) {
      breakers_.recordFailure("k");
    } else {
      breakers_.recordSuccess("k");
    }
  }
  EXPECT_EQ(breakers_.state("k"), BreakerState::Closed);  // 10 of 19, below min_requests
  breakers_.recordSuccess("k");                            // 10 of 20: rate check on failure
  breakers_.recordFailure("k");                            // 11 of 21 >= 50%
  EXPECT_EQ(breakers_.state("k"), BreakerState::Open);
}

TEST_F(BreakerTest, WindowResetsAfterItsDuration) {
  for (int i = 0; i < 19; ++i) {
    i % 2 == 0 ? breakers_.recordFailure("k") : breakers_.recordSuccess("k");
  }
  clock_.advance(seconds(61));
  breakers_.recordFailure("k");  // a new window: 1 of 1, below min_requests
  EXPECT_EQ(breakers_.state("k"), BreakerState::Closed);
}

TEST_F(BreakerTest, CoolsDownToHalfOpenWithOneProbeThenCloses) {
  for (int i = 0; i < 5; ++i) {
    breakers_.recordFailure("k");
  }
  clock_.advance(seconds(29));
  EXPECT_FALSE(breakers_.allow("k"));
  clock_.advance(seconds(1));
  EXPECT_TRUE(breakers_.allow("k"));  // the probe
  EXPECT_EQ(breakers_.state("k"), BreakerState::HalfOpen);
  EXPECT_FALSE(breakers_.allow("k"));  // only one probe at a time
  breakers_.recordSuccess("k");
  EXPECT_EQ(breakers_.state("k"), BreakerState::Closed);
  EXPECT_TRUE(breakers_.allow("k"));
}

TEST_F(BreakerTest, FailedProbeReopensForAnotherCooldown) {
  for (int i = 0; i < 5; ++i) {
    breakers_.recordFailure("k");
  }
  clock_.advance(seconds(30));
  ASSERT_TRUE(breakers_.allow("k"));
  breakers_.recordFailure("k");
  EXPECT_EQ(breakers_.state("k"), BreakerState::Open);
  clock_.advance(seconds(29));
  EXPECT_FALSE(breakers_.allow("k"));
  clock_.advance(seconds(1));
  EXPECT_TRUE(breakers_.allow("k"));
}

TEST_F(BreakerTest, LostProbeIsReplacedAfterAnotherCooldown) {
  for (int i = 0; i < 5; ++i) {
    breakers_.recordFailure("k");
  }
  clock_.advance(seconds(30));
  ASSERT_TRUE(breakers_.allow("k"));  // never reported (cancelled)
  clock_.advance(seconds(30));
  EXPECT_TRUE(breakers_.allow("k"));
}

TEST_F(BreakerTest, ClientErrorsDoNotCount) {
  for (int i = 0; i < 10; ++i) {
    breakers_.record("k", test::upstreamStatus(400));
  }
  EXPECT_EQ(breakers_.state("k"), BreakerState::Closed);
  for (int i = 0; i < 5; ++i) {
    breakers_.record("k", test::upstreamStatus(503));
  }
  EXPECT_EQ(breakers_.state("k"), BreakerState::Open);
  EXPECT_TRUE(countsAsFailure(test::connectionRefused()));
  EXPECT_TRUE(countsAsFailure(test::timedOut()));
  EXPECT_TRUE(countsAsFailure(test::upstreamStatus(429)));
  EXPECT_FALSE(countsAsFailure(Error::invalid("bad")));
}

TEST_F(BreakerTest, AdminJsonShowsState) {
  breakers_.recordSuccess("a/m");
  for (int i = 0; i < 5; ++i) {
    breakers_.recordFailure("b/m");
  }
  const auto opened = formatRfc3339(clock_.now());
  const auto retry = formatRfc3339(clock_.now() + seconds(30));
  const json::value expected = test::parse(R"([
    {"key":"a/m","state":"closed","consecutive_failures":0,"window_requests":1,
     "window_failures":0,"times_opened":0,"opened_at":null,"retry_at":null},
    {"key":"b/m","state":"open","consecutive_failures":5,"window_requests":5,
     "window_failures":5,"times_opened":1,"opened_at":")" + opened + R"(","retry_at":")" +
                                                 retry + R"("}])");
  EXPECT_EQ(json::value(breakers_.toJson()), expected);
}

TEST(BreakerKey, ProviderIdOrInlineName) {
  EXPECT_EQ(breakerKey(12, "p", "gpt-4o"), "12/gpt-4o");
  EXPECT_EQ(breakerKey(0, "openai", "gpt-4o"), "inline:openai/gpt-4o");
}

}  // namespace
}  // namespace gw::routing
