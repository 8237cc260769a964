#include "governance/budget.hpp"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace gw::governance {
namespace {

using namespace std::chrono_literals;
using std::chrono::system_clock;

system_clock::time_point at(std::string_view rfc3339) {
  system_clock::time_point t;
  EXPECT_TRUE(parseRfc3339(rfc3339, t)) << rfc3339;
  return t;
}

TEST(BudgetPeriod, NamesRoundTripAndUnknownIsRejected) {
  for (auto p : {BudgetPeriod::Daily, BudgetPeriod::Weekly, BudgetPeriod::Monthly,
                 BudgetPeriod::Total}) {
    EXPECT_EQ(parseBudgetPeriod(budgetPeriodName(p)), p);
  }
  EXPECT_FALSE(parseBudgetPeriod("yearly"));
  EXPECT_FALSE(parseBudgetPeriod("Daily"));
}

TEST(BudgetPeriod, BoundariesAreUtc) {
  const auto now = at("2026-03-18T15:30:00Z");  // a Wednesday
  EXPECT_EQ(periodStart(BudgetPeriod::Daily, now), at("2026-03-18T00:00:00Z"));
  EXPECT_EQ(periodEnd(BudgetPeriod::Daily, now), at("2026-03-19T00:00:00Z"));
  EXPECT_EQ(periodStart(BudgetPeriod::Weekly, now), at("2026-03-16T00:00:00Z"));
  EXPECT_EQ(periodEnd(BudgetPeriod::Weekly, now), at("2026-03-23T00:00:00Z"));
  EXPECT_EQ(periodStart(BudgetPeriod::Monthly, now), at("2026-03-01T00:00:00Z"));
  EXPECT_EQ(periodEnd(BudgetPeriod::Monthly, now), at("2026-04-01T00:00:00Z"));
  EXPECT_EQ(periodStart(BudgetPeriod::Total, now), system_clock::time_point{});
  EXPECT_FALSE(periodEnd(BudgetPeriod::Total, now));
  // Edges: Monday itself, a Sunday, December to January.
  EXPECT_EQ(periodStart(BudgetPeriod::Weekly, at("2026-03-16T00:00:00Z")),
            at("2026-03-16T00:00:00Z"));
  EXPECT_EQ(periodStart(BudgetPeriod::Weekly, at("2026-03-22T23:59:59Z")),
            at("2026-03-16T00:00:00Z"));
  EXPECT_EQ(periodEnd(BudgetPeriod::Monthly, at("2026-12-31T23:00:00Z")),
            at("2027-01-01T00:00:00Z"));
}

struct BoundaryCase {
  BudgetPeriod period;
  const char* start;
  const char* before_boundary;
  const char* boundary;
};

class BudgetBoundary : public ::testing::TestWithParam<BoundaryCase> {};

TEST_P(BudgetBoundary, SpentBudgetBlocksUntilThePeriodBoundary) {
  const auto& c = GetParam();
  FakeClock clock(at(c.start));
  BudgetTracker tracker(clock);
  EXPECT_FALSE(tracker.check(1, 1.0, c.period).blocked);
  tracker.charge(1, c.period, 0.6);
  EXPECT_FALSE(tracker.check(1, 1.0, c.period).blocked);
  tracker.charge(1, c.period, 0.4);
  auto st = tracker.check(1, 1.0, c.period);
  EXPECT_TRUE(st.blocked);
  EXPECT_DOUBLE_EQ(st.spent_usd, 1.0);
  clock.setWall(at(c.before_boundary));
  st = tracker.check(1, 1.0, c.period);
  EXPECT_TRUE(st.blocked);
  ASSERT_TRUE(st.retry_after_seconds);
  EXPECT_EQ(*st.retry_after_seconds, 1);
  clock.setWall(at(c.boundary));
  st = tracker.check(1, 1.0, c.period);
  EXPECT_FALSE(st.blocked);
  EXPECT_DOUBLE_EQ(st.spent_usd, 0.0);
  // The first charge of the new period starts from zero.
  tracker.charge(1, c.period, 0.25);
  EXPECT_DOUBLE_EQ(tracker.spent(1, c.period), 0.25);
}

INSTANTIATE_TEST_SUITE_P(
    Periods, BudgetBoundary,
    ::testing::Values(
        BoundaryCase{BudgetPeriod::Daily, "2026-03-18T10:00:00Z", "2026-03-18T23:59:59Z",
                     "2026-03-19T00:00:00Z"},
        BoundaryCase{BudgetPeriod::Weekly, "2026-03-18T10:00:00Z", "2026-03-22T23:59:59Z",
                     "2026-03-23T00:00:00Z"},
        BoundaryCase{BudgetPeriod::Monthly, "2026-02-03T10:00:00Z", "2026-02-28T23:59:59Z",
                     "2026-03-01T00:00:00Z"}),
    [](const auto& info) { return std::string(budgetPeriodName(info.param.period)); });

TEST(BudgetTracker, TotalNeverReopens) {
  FakeClock clock(at("2026-03-18T10:00:00Z"));
  BudgetTracker tracker(clock);
  tracker.charge(1, BudgetPeriod::Total, 5.0);
  auto st = tracker.check(1, 5.0, BudgetPeriod::Total);
  EXPECT_TRUE(st.blocked);
  EXPECT_FALSE(st.retry_after_seconds);
  clock.advance(24h * 400);
  EXPECT_TRUE(tracker.check(1, 5.0, BudgetPeriod::Total).blocked);
}

TEST(BudgetTracker, LoadSeedsTheCurrentPeriod) {
  FakeClock clock(at("2026-03-18T10:00:00Z"));
  BudgetTracker tracker(clock);
  tracker.load(4, BudgetPeriod::Daily, 2.5);
  EXPECT_DOUBLE_EQ(tracker.spent(4, BudgetPeriod::Daily), 2.5);
  EXPECT_TRUE(tracker.check(4, 2.5, BudgetPeriod::Daily).blocked);
  EXPECT_FALSE(tracker.check(4, 3.0, BudgetPeriod::Daily).blocked);
  EXPECT_DOUBLE_EQ(tracker.spent(5, BudgetPeriod::Daily), 0.0);
}

TEST(BudgetTracker, ConcurrentChargesAreNotLost) {
  FakeClock clock(at("2026-03-18T10:00:00Z"));
  BudgetTracker tracker(clock);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 1000; ++i) {
        tracker.charge(1, BudgetPeriod::Monthly, 0.001);
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_NEAR(tracker.spent(1, BudgetPeriod::Monthly), 8.0, 1e-9);
}

}  // namespace
}  // namespace gw::governance
