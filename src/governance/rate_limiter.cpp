#include "governance/rate_limiter.hpp"

#include <algorithm>

namespace gw::governance {

namespace {

constexpr std::int64_t kMinuteNs = 60'000'000'000;

std::int64_t ticks(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
}

/// Nanoseconds per unit. Rounded down, so the burst below is exactly `limit` units.
std::int64_t emissionInterval(std::int64_t limit) {
  return std::max<std::int64_t>(1, kMinuteNs / limit);
}

}  // namespace

int Decision::retryAfterSeconds() const {
  const auto ns = retry_after.count();
  const auto secs = (ns + 999'999'999) / 1'000'000'000;
  return static_cast<int>(std::clamp<std::int64_t>(secs, 1, 24 * 3600));
}

Decision GcraRateLimiter::tryAcquire(std::int64_t key_id, std::int64_t cost,
                                     std::int64_t limit_per_minute,
                                     std::chrono::steady_clock::time_point now) {
  Decision d;
  if (limit_per_minute <= 0) {
    d.allowed = true;  // no limit; validation keeps zero out of the configuration
    return d;
  }
  const std::int64_t interval = emissionInterval(limit_per_minute);
  const std::int64_t burst = interval * limit_per_minute;  // <= one minute
  const std::int64_t charged = std::clamp<std::int64_t>(cost, 0, limit_per_minute);
  const std::int64_t t = ticks(now);
  auto& tat = states_.getOrCreate(key_id).tat;
  std::int64_t old = tat.load(std::memory_order_relaxed);
  for (;;) {
    const std::int64_t next = std::max(old, t) + charged * interval;
    if (next - t > burst) {
      d.allowed = false;
      d.retry_after = std::chrono::nanoseconds(next - t - burst);
      return d;
    }
    if (tat.compare_exchange_weak(old, next, std::memory_order_acq_rel,
                                  std::memory_order_relaxed)) {
      d.allowed = true;
      d.charged = charged;
      return d;
    }
  }
}

void GcraRateLimiter::adjust(std::int64_t key_id, std::int64_t delta,
                             std::int64_t limit_per_minute,
                             std::chrono::steady_clock::time_point now) {
  if (limit_per_minute <= 0 || delta == 0) {
    return;
  }
  const std::int64_t interval = emissionInterval(limit_per_minute);
  // Cap the change at a day's worth so a wild usage figure cannot overflow the TAT.
  const std::int64_t capped = std::clamp<std::int64_t>(delta, -limit_per_minute * 1440,
                                                       limit_per_minute * 1440);
  const std::int64_t t = ticks(now);
  auto& tat = states_.getOrCreate(key_id).tat;
  std::int64_t old = tat.load(std::memory_order_relaxed);
  for (;;) {
    // Giving back never goes below "now": an idle key has a full allowance already.
    const std::int64_t next = std::max(std::max(old, t) + capped * interval, t);
    if (tat.compare_exchange_weak(old, next, std::memory_order_acq_rel,
                                  std::memory_order_relaxed)) {
      return;
    }
  }
}

}  // namespace gw::governance
