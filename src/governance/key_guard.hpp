#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/clock.hpp"
#include "core/result.hpp"
#include "governance/budget.hpp"
#include "governance/concurrency_limiter.hpp"
#include "governance/key_limits.hpp"
#include "governance/pricing.hpp"
#include "governance/rate_limiter.hpp"

namespace gw::governance {

/// What admission needs to know about one request.
struct AdmitRequest {
  std::int64_t key_id = 0;
  std::string_view client_ip;     ///< textual peer address; checked when the key has a list
  std::string_view model;         ///< public model name; empty skips the allowed-models check
  std::int64_t estimated_tokens = 0;  ///< estimateTokens(body), for the TPM check
};

/// A request let through by KeyGuard::admit(). Holds the key's concurrency slot (released when
/// the admission is destroyed, settled or release()d) and what settle() must reconcile.
/// Move-only; lives as long as the request.
class Admission {
public:
  Admission() = default;
  Admission(Admission&&) noexcept = default;
  Admission& operator=(Admission&&) noexcept = default;

  std::int64_t keyId() const { return key_id_; }
  /// Tokens charged to the TPM limit up front (the capped estimate).
  std::int64_t tpmCharged() const { return tpm_charged_; }
  bool settled() const { return settled_; }
  /// Gives the concurrency slot back early (e.g. when the response is complete but the
  /// accounting runs later).
  void releaseConcurrency() { permit_.release(); }

private:
  friend class KeyGuard;
  std::int64_t key_id_ = 0;
  std::optional<std::int64_t> tpm_limit_;
  std::int64_t tpm_charged_ = 0;
  std::optional<BudgetPeriod> budget_period_;  ///< set when the key has a budget
  ConcurrencyPermit permit_;
  bool settled_ = false;
};

/// The per-key limits facade of the data plane: admit() before routing, settle() after the call.
///
/// admit() checks, in order: enabled, expiry, client address, allowed model (each 403
/// Forbidden), budget (429 BudgetExceeded, Retry-After = seconds to the period boundary),
/// concurrency, requests per minute, tokens per minute (429 RateLimited with Retry-After). A
/// refusal takes nothing: a later check failing gives back what earlier ones took.
/// settle() reconciles the TPM charge with the real tokens, charges the cost to the budget
/// and frees the concurrency slot.
///
/// Owns its limiters; the RPM/TPM limiters can be injected (a shared Redis back end), and
/// default to in-process GCRA.
/// @par Thread Safety
/// Safe from any thread; no locks on the request path.
class KeyGuard {
public:
  explicit KeyGuard(const Clock& clock, RateLimiterPtr rpm = nullptr,
                    RateLimiterPtr tpm = nullptr);

  Result<Admission> admit(const KeyLimits& limits, const AdmitRequest& request);
  /// Call once per admission, with the call's real usage (zero when the call failed before
  /// any tokens were used) and its cost. Idempotent: a second call does nothing.
  void settle(Admission& admission, const TokenUsage& usage, double cost_usd);

  /// The budget tracker, to seed spend at start (BudgetTracker::load) and to show spent_usd.
  BudgetTracker& budgets() { return budgets_; }
  const ConcurrencyLimiter& concurrency() const { return concurrency_; }

private:
  const Clock& clock_;
  RateLimiterPtr rpm_;
  RateLimiterPtr tpm_;
  ConcurrencyLimiter concurrency_;
  BudgetTracker budgets_;
};

}  // namespace gw::governance
