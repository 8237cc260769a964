#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>

#include "governance/concurrent_map.hpp"

namespace gw::governance {

/// The answer of a rate limiter.
struct Decision {
  bool allowed = false;
  /// When denied: how long until the same request would be allowed (0 when allowed).
  std::chrono::nanoseconds retry_after{0};
  /// Cost actually charged when allowed (the cost, capped at the limit; see tryAcquire).
  std::int64_t charged = 0;

  /// retry_after rounded up to whole seconds, at least 1 (the Retry-After header).
  int retryAfterSeconds() const;
};

/// A per-key "N units per minute" limiter: requests per minute (cost 1) or tokens per minute
/// (cost = estimated tokens, reconciled with adjust() once the real usage is known).
///
/// The interface is what a shared back end (Redis, for limits across nodes) implements too.
/// @par Thread Safety
/// All methods are safe to call concurrently from any thread and never block.
class RateLimiter {
public:
  virtual ~RateLimiter() = default;

  /// Takes `cost` units from `key_id`'s allowance of `limit_per_minute` at time `now`
  /// (monotonic). A cost above the limit is capped at the limit: such a request passes only
  /// when the key's whole minute is free, and then uses all of it (adjust() corrects it later).
  /// `limit_per_minute` must be positive.
  virtual Decision tryAcquire(std::int64_t key_id, std::int64_t cost,
                              std::int64_t limit_per_minute,
                              std::chrono::steady_clock::time_point now) = 0;

  /// Adds `delta` units (negative to give back) to what `key_id` already used, without a
  /// check: TPM reconciliation (real tokens minus the estimate charged) and refunds.
  virtual void adjust(std::int64_t key_id, std::int64_t delta, std::int64_t limit_per_minute,
                      std::chrono::steady_clock::time_point now) = 0;
};

using RateLimiterPtr = std::unique_ptr<RateLimiter>;

/// In-process GCRA (generic cell rate algorithm, the "virtual scheduling" form).
///
/// Each key keeps one `std::atomic<int64_t>` theoretical arrival time (TAT, nanoseconds of the
/// monotonic clock). With emission interval T = 60 s / limit, a request of cost c is allowed
/// when max(TAT, now) + c*T - now <= limit*T (a burst of up to `limit` units, refilling
/// continuously), and then TAT moves forward with a CAS loop. So the request path takes no lock:
/// per-key state lives in a ConcurrentMap (lock-free look-up; a key's first request claims its
/// slot with a CAS). A changed limit applies at once: TAT is in time, not in units.
/// @par Thread Safety
/// Safe from any thread; lock-free.
class GcraRateLimiter final : public RateLimiter {
public:
  GcraRateLimiter() = default;

  Decision tryAcquire(std::int64_t key_id, std::int64_t cost, std::int64_t limit_per_minute,
                      std::chrono::steady_clock::time_point now) override;
  void adjust(std::int64_t key_id, std::int64_t delta, std::int64_t limit_per_minute,
              std::chrono::steady_clock::time_point now) override;

private:
  struct State {
    std::atomic<std::int64_t> tat{std::numeric_limits<std::int64_t>::min()};
  };
  ConcurrentMap<std::int64_t, State> states_;
};

}  // namespace gw::governance
