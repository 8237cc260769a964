#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/json.hpp"

namespace gw::routing {

/// When a target's breaker opens and how it recovers.
struct BreakerPolicy {
  int consecutive_failures = 5;     ///< open after this many failures in a row
  double failure_rate = 0.5;        ///< ... or this failure rate in the current window
  int min_requests = 20;            ///< ... once the window holds at least this many results
  std::chrono::seconds window{60};  ///< fixed window for the failure rate
  std::chrono::seconds cooldown{30};  ///< open -> half-open after this long
};

enum class BreakerState { Closed, Open, HalfOpen };

/// "closed", "open", "half_open".
std::string_view breakerStateName(BreakerState state);

/// Whether an attempt's error counts against the target's health: connection failures,
/// timeouts, 5xx, 408, 429 and unparseable answers do; client errors (400, 404, 413...) and
/// gateway-side errors do not.
bool countsAsFailure(const Error& error);

/// Passive circuit breakers, one per target key (`breakerKey()`), created on first use.
///
/// Closed: everything passes; after `consecutive_failures` failures in a row, or a failure
/// rate >= `failure_rate` over >= `min_requests` results in the current window, it opens.
/// Open: allow() refuses until `cooldown` has passed, then the breaker turns half-open and
/// allow() grants exactly one probe (another one only if the probe is not reported within a
/// further cool-down). A probe success closes the breaker; a probe failure re-opens it.
/// @par Thread Safety
/// All members are safe to call concurrently from every event-loop thread: the key map is
/// guarded by a shared mutex taken exclusively only to insert; each entry has its own mutex.
class CircuitBreakerRegistry {
public:
  CircuitBreakerRegistry(const Clock& clock, BreakerPolicy policy = {});
  ~CircuitBreakerRegistry();
  CircuitBreakerRegistry(const CircuitBreakerRegistry&) = delete;
  CircuitBreakerRegistry& operator=(const CircuitBreakerRegistry&) = delete;

  /// Whether a request may go to `key` now (may turn open into half-open and take the probe).
  bool allow(std::string_view key);
  /// Reports a completed attempt that the target answered properly.
  void recordSuccess(std::string_view key);
  /// Reports a failed attempt (see countsAsFailure()).
  void recordFailure(std::string_view key);
  /// Reports an attempt's outcome: failure when countsAsFailure(error), else success.
  void record(std::string_view key, const Error& error);
  /// Current state, without side effects (Closed for unknown keys).
  BreakerState state(std::string_view key) const;

  /// Every known breaker for the admin API: `[{"key","state","consecutive_failures",
  /// "window_requests","window_failures","times_opened","opened_at","retry_at"}]`, times as
  /// RFC 3339 (null when not open), sorted by key.
  json::array toJson() const;

private:
  struct Entry;
  Entry& entry(std::string_view key);
  const Entry* find(std::string_view key) const;

  const Clock& clock_;
  BreakerPolicy policy_;
  mutable std::shared_mutex map_mutex_;
  std::map<std::string, std::unique_ptr<Entry>, std::less<>> entries_;
};

/// The breaker key of a target: provider id (or name for an inline provider) and upstream
/// model, e.g. "12/gpt-4o" or "inline:openai/gpt-4o".
std::string breakerKey(std::int64_t provider_id, std::string_view provider_name,
                       std::string_view model);

}  // namespace gw::routing
