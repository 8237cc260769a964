#include "governance/budget.hpp"

#include <cmath>

namespace gw::governance {

namespace {

using std::chrono::days;
using std::chrono::sys_days;
using std::chrono::system_clock;

constexpr int kSpendBits = 46;
constexpr std::uint64_t kSpendMask = (std::uint64_t{1} << kSpendBits) - 1;

std::uint64_t tagOf(std::uint64_t packed) { return packed >> kSpendBits; }
std::uint64_t spendOf(std::uint64_t packed) { return packed & kSpendMask; }
std::uint64_t pack(std::uint64_t tag, std::uint64_t spend) {
  return (tag << kSpendBits) | std::min(spend, kSpendMask);
}

std::uint64_t toMicros(double usd) {
  if (!(usd > 0)) {
    return 0;
  }
  const double micros = std::round(usd * 1e6);
  return micros >= static_cast<double>(kSpendMask) ? kSpendMask
                                                   : static_cast<std::uint64_t>(micros);
}

sys_days dayOf(system_clock::time_point now) {
  return std::chrono::floor<days>(now);
}

}  // namespace

std::optional<BudgetPeriod> parseBudgetPeriod(std::string_view name) {
  if (name == "daily") {
    return BudgetPeriod::Daily;
  }
  if (name == "weekly") {
    return BudgetPeriod::Weekly;
  }
  if (name == "monthly") {
    return BudgetPeriod::Monthly;
  }
  if (name == "total") {
    return BudgetPeriod::Total;
  }
  return std::nullopt;
}

std::string_view budgetPeriodName(BudgetPeriod period) {
  switch (period) {
    case BudgetPeriod::Daily: return "daily";
    case BudgetPeriod::Weekly: return "weekly";
    case BudgetPeriod::Monthly: return "monthly";
    case BudgetPeriod::Total: return "total";
  }
  return "total";
}

system_clock::time_point periodStart(BudgetPeriod period, system_clock::time_point now) {
  const sys_days today = dayOf(now);
  switch (period) {
    case BudgetPeriod::Daily: return today;
    case BudgetPeriod::Weekly: {
      const std::chrono::weekday wd{today};
      return today - (wd - std::chrono::Monday);  // weekday difference is in [0, 6]
    }
    case BudgetPeriod::Monthly: {
      const std::chrono::year_month_day ymd{today};
      return sys_days{ymd.year() / ymd.month() / 1};
    }
    case BudgetPeriod::Total: return system_clock::time_point{};
  }
  return system_clock::time_point{};
}

std::optional<system_clock::time_point> periodEnd(BudgetPeriod period,
                                                  system_clock::time_point now) {
  const auto start = std::chrono::floor<days>(periodStart(period, now));
  switch (period) {
    case BudgetPeriod::Daily: return start + days{1};
    case BudgetPeriod::Weekly: return start + days{7};
    case BudgetPeriod::Monthly: {
      const std::chrono::year_month_day ymd{start};
      return sys_days{(ymd.year() / ymd.month() / 1) + std::chrono::months{1}};
    }
    case BudgetPeriod::Total: return std::nullopt;
  }
  return std::nullopt;
}

std::uint64_t BudgetTracker::currentTag(BudgetPeriod period) const {
  const auto now = clock_.now();
  const auto day = static_cast<std::uint64_t>(dayOf(now).time_since_epoch().count());
  std::uint64_t index = 0;
  switch (period) {
    case BudgetPeriod::Daily: index = day; break;
    case BudgetPeriod::Weekly: index = (day + 3) / 7; break;  // 1970-01-01 was a Thursday
    case BudgetPeriod::Monthly: {
      const std::chrono::year_month_day ymd{dayOf(now)};
      index = static_cast<std::uint64_t>(static_cast<int>(ymd.year()) - 1970) * 12 +
              static_cast<unsigned>(ymd.month()) - 1;
      break;
    }
    case BudgetPeriod::Total: index = 0; break;
  }
  // 2 bits of period kind, 16 bits of index (days last until 2149).
  return (static_cast<std::uint64_t>(period) << 16) | (index & 0xFFFF);
}

void BudgetTracker::load(std::int64_t key_id, BudgetPeriod period, double spent_usd) {
  states_.getOrCreate(key_id).packed.store(pack(currentTag(period), toMicros(spent_usd)),
                                           std::memory_order_release);
}

void BudgetTracker::charge(std::int64_t key_id, BudgetPeriod period, double usd) {
  const std::uint64_t add = toMicros(usd);
  const std::uint64_t tag = currentTag(period);
  auto& packed = states_.getOrCreate(key_id).packed;
  std::uint64_t old = packed.load(std::memory_order_relaxed);
  for (;;) {
    const std::uint64_t base = tagOf(old) == tag ? spendOf(old) : 0;  // a new period starts at 0
    if (packed.compare_exchange_weak(old, pack(tag, base + add), std::memory_order_acq_rel,
                                     std::memory_order_relaxed)) {
      return;
    }
  }
}

std::uint64_t BudgetTracker::spentMicros(std::int64_t key_id, BudgetPeriod period) const {
  const State* s = states_.find(key_id);
  if (s == nullptr) {
    return 0;
  }
  const std::uint64_t packed = s->packed.load(std::memory_order_acquire);
  return tagOf(packed) == currentTag(period) ? spendOf(packed) : 0;
}

double BudgetTracker::spent(std::int64_t key_id, BudgetPeriod period) const {
  return static_cast<double>(spentMicros(key_id, period)) / 1e6;
}

BudgetStatus BudgetTracker::check(std::int64_t key_id, double budget_usd,
                                  BudgetPeriod period) const {
  BudgetStatus st;
  const std::uint64_t micros = spentMicros(key_id, period);
  st.spent_usd = static_cast<double>(micros) / 1e6;
  st.blocked = micros >= toMicros(budget_usd);
  if (st.blocked) {
    const auto now = clock_.now();
    if (const auto end = periodEnd(period, now)) {
      const auto secs = std::chrono::ceil<std::chrono::seconds>(*end - now).count();
      st.retry_after_seconds = std::max<std::int64_t>(1, secs);
    }
  }
  return st;
}

}  // namespace gw::governance
