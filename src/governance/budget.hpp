#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

#include "core/clock.hpp"
#include "governance/concurrent_map.hpp"

namespace gw::governance {

/// The period a key's budget covers. Boundaries are in UTC: daily at 00:00, weekly on Monday
/// 00:00, monthly on the 1st at 00:00; a total budget never resets.
enum class BudgetPeriod { Daily, Weekly, Monthly, Total };

/// "daily", "weekly", "monthly", "total" -> the period; anything else -> nullopt.
std::optional<BudgetPeriod> parseBudgetPeriod(std::string_view name);
std::string_view budgetPeriodName(BudgetPeriod period);

/// Start of the period holding `now` (the Unix epoch for Total).
std::chrono::system_clock::time_point periodStart(BudgetPeriod period,
                                                  std::chrono::system_clock::time_point now);
/// Start of the next period (nullopt for Total, which never ends).
std::optional<std::chrono::system_clock::time_point> periodEnd(
    BudgetPeriod period, std::chrono::system_clock::time_point now);

/// The answer of BudgetTracker::check().
struct BudgetStatus {
  bool blocked = false;
  double spent_usd = 0;
  /// Seconds until the period resets (when blocked and the period is not Total).
  std::optional<std::int64_t> retry_after_seconds;
};

/// Spend per key in the key's current period, in micro-dollars.
///
/// Each key holds one std::atomic<uint64_t> packing the period it counts (period kind and
/// index: day, Monday-week or month since the epoch) in the top 18 bits and the spend in the
/// low 46 bits (up to ~$70M). A charge in a new period replaces the old pair in the same CAS,
/// so a period rollover can never lose or double-count a concurrent charge, and no lock is
/// needed. Costs are rounded to the micro-dollar per charge.
///
/// Budgets are checked before a call and charged after it, so concurrent in-flight requests
/// can overshoot a budget by at most their own cost.
///
/// At start (and when a key's budget settings change) seed each budgeted key with load(),
/// from the request log: RequestLogStore::spendByKeySince(key, periodStart(period, now)).
/// @par Thread Safety
/// Safe from any thread; lock-free.
class BudgetTracker {
public:
  explicit BudgetTracker(const Clock& clock) : clock_(clock) {}

  /// Sets `key_id`'s spend in the current `period` (seeding from the database).
  void load(std::int64_t key_id, BudgetPeriod period, double spent_usd);
  /// Adds `usd` (>= 0) to `key_id`'s spend in the current `period`.
  void charge(std::int64_t key_id, BudgetPeriod period, double usd);
  /// Spend of `key_id` in the current `period` (0 after a boundary).
  double spent(std::int64_t key_id, BudgetPeriod period) const;
  /// Blocked once the spend reaches `budget_usd`; retry_after is the time to the boundary.
  BudgetStatus check(std::int64_t key_id, double budget_usd, BudgetPeriod period) const;

private:
  struct State {
    std::atomic<std::uint64_t> packed{0};
  };
  std::uint64_t currentTag(BudgetPeriod period) const;
  std::uint64_t spentMicros(std::int64_t key_id, BudgetPeriod period) const;

  const Clock& clock_;
  ConcurrentMap<std::int64_t, State> states_;
};

}  // namespace gw::governance
