#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/random.hpp"
#include "core/result.hpp"
#include "providers/provider.hpp"
#include "routing/health.hpp"
#include "routing/route_context.hpp"
#include "routing/route_node.hpp"

namespace gw::routing {

namespace net = boost::asio;

/// Waits between retries; injected so tests record the delays instead of sleeping.
class Sleeper {
public:
  virtual ~Sleeper() = default;
  /// Completes after `delay` (or earlier when the coroutine is cancelled).
  virtual net::awaitable<void> sleep(std::chrono::milliseconds delay) = 0;
};

/// The real Sleeper: a steady_timer on the awaiting coroutine's executor. Stateless;
/// one instance may serve all threads.
class TimerSleeper final : public Sleeper {
public:
  net::awaitable<void> sleep(std::chrono::milliseconds delay) override;
};

/// One target the executor asks the dataplane to call.
struct ResolvedTarget {
  std::shared_ptr<const providers::ProviderConfig> provider;
  /// Effective override_params (inherited ones merged); the dataplane applies them to the
  /// request body (e.g. `model`) before translating.
  json::object override_params;
  /// Per-attempt timeout: the target's `request_timeout`, else the executor default, never
  /// beyond the request's total deadline.
  std::chrono::milliseconds timeout{0};
  std::string path;         ///< route path of the leaf, e.g. "1.0" (x-gateway-route-path)
  std::string breaker_key;  ///< key of the target's circuit breaker
};

/// Where an attempt stands in the request.
struct AttemptInfo {
  int attempt = 1;  ///< 1-based number of this attempt within the request
  int retry = 0;    ///< 0 = first try of this target; n = its n-th retry
  std::chrono::steady_clock::time_point deadline;  ///< now + ResolvedTarget::timeout
};

/// Performs one upstream attempt (translate, send, and stream or return the answer to the
/// client). Returns success, or the attempt's error as a value: UpstreamError with
/// upstream_status (and retry_after_seconds) for an HTTP error, UpstreamUnavailable for a
/// connection failure, UpstreamTimeout when `AttemptInfo::deadline` passed. Must enforce the
/// deadline itself. Called on the executor's coroutine; may be called several times.
using AttemptFn =
    std::function<net::awaitable<Result<void>>(const ResolvedTarget&, const AttemptInfo&)>;

/// The result of routing one request.
struct RouteOutcome {
  Result<void> result;  ///< success, or the error to answer (after all retries/fallbacks)
  int attempts = 0;     ///< attempts made (x-gateway-attempts)
  std::string last_path;  ///< route path of the last target tried (x-gateway-route-path)
  std::shared_ptr<const providers::ProviderConfig> last_provider;  ///< last target's provider
};

/// Backoff and timeout settings of the executor.
struct ExecutorOptions {
  std::chrono::milliseconds backoff_base{250};    ///< first retry waits up to this
  std::chrono::milliseconds backoff_cap{5000};    ///< no backoff ceiling above this
  std::chrono::milliseconds retry_after_cap{10000};  ///< a longer Retry-After ends retries
  std::chrono::milliseconds default_attempt_timeout{300000};  ///< without request_timeout
};

/// Runs a request through a compiled route tree: the strategies choose, the executor tries.
///
/// A leaf is tried, then retried up to `retry.attempts` times while its error's status (see
/// effectiveStatus()) is in `retry.on_status_codes`, waiting an exponential backoff with full
/// jitter (uniform in [0, min(cap, base * 2^(n-1))]) or the provider's Retry-After when
/// shorter than `retry_after_cap` (a longer one ends the target's retries). A group tries its
/// children in Strategy::order() and moves on while Strategy::shouldTryNext() allows it.
/// Targets whose circuit breaker is open are skipped; when every target is skipped the
/// answer is NoAvailableTarget (503). Nothing starts after the total deadline, and nothing is
/// retried nor falls back once `ctx.responseStarted()`.
/// @par Thread Safety
/// Not thread-safe (holds a Random): keep one per event-loop thread. The route tree and the
/// breaker registry are shared.
class Executor {
public:
  /// `breakers` may be null (no circuit breaking). All references must outlive the executor.
  Executor(const Clock& clock, Random& random, Sleeper& sleeper,
           CircuitBreakerRegistry* breakers, ExecutorOptions options = {});

  /// Routes one request. `root` and `ctx` must outlive the returned awaitable.
  net::awaitable<RouteOutcome> execute(const RouteNode& root, RouteContext& ctx,
                                       AttemptFn attempt);

  /// The wait before retry number `retry` (1-based) after `error`; nullopt when the
  /// provider's Retry-After exceeds the cap.
  std::optional<std::chrono::milliseconds> retryDelay(const RetryPolicy& policy, int retry,
                                                      const Error& error);

private:
  struct Run;
  net::awaitable<Result<void>> runNode(const RouteNode& node, Run& run);
  net::awaitable<Result<void>> runGroup(const RouteNode& node, Run& run);
  net::awaitable<Result<void>> runLeaf(const RouteNode& leaf, Run& run);
  bool deadlinePassed(const RouteContext& ctx) const;

  const Clock& clock_;
  Random& random_;
  Sleeper& sleeper_;
  CircuitBreakerRegistry* breakers_;
  ExecutorOptions options_;
};

}  // namespace gw::routing
