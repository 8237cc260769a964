#include "governance/key_guard.hpp"

#include <cstdio>

namespace gw::governance {

namespace {

Error makeError(ErrorCode code, std::string message) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  return e;
}

Error forbidden(std::string message) { return makeError(ErrorCode::Forbidden, std::move(message)); }

Error limited(ErrorCode code, std::string message, std::int64_t retry_after) {
  Error e = makeError(code, std::move(message));
  e.retry_after_seconds = static_cast<int>(retry_after);
  return e;
}

std::string usd(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "$%.2f", v);
  return buf;
}

}  // namespace

KeyGuard::KeyGuard(const Clock& clock, RateLimiterPtr rpm, RateLimiterPtr tpm)
    : clock_(clock),
      rpm_(rpm ? std::move(rpm) : std::make_unique<GcraRateLimiter>()),
      tpm_(tpm ? std::move(tpm) : std::make_unique<GcraRateLimiter>()),
      budgets_(clock) {}

Result<Admission> KeyGuard::admit(const KeyLimits& limits, const AdmitRequest& request) {
  if (!limits.enabled) {
    return forbidden("this API key is disabled");
  }
  if (limits.expires_at && *limits.expires_at <= clock_.now()) {
    return forbidden("this API key expired at " + formatRfc3339(*limits.expires_at));
  }
  if (!limits.allowed_ips.allows(request.client_ip)) {
    return forbidden("this API key may not be used from " + std::string(request.client_ip));
  }
  if (!request.model.empty() && !limits.modelAllowed(request.model)) {
    return forbidden("this API key may not use the model '" + std::string(request.model) + "'");
  }

  Admission a;
  a.key_id_ = request.key_id;
  if (limits.budget_usd) {
    const auto st = budgets_.check(request.key_id, *limits.budget_usd, limits.budget_period);
    if (st.blocked) {
      Error e = makeError(
          ErrorCode::BudgetExceeded,
          "the " + std::string(budgetPeriodName(limits.budget_period)) + " budget of " +
                  usd(*limits.budget_usd) + " for this API key is spent (" + usd(st.spent_usd) +
              " used)");
      if (st.retry_after_seconds) {
        e.retry_after_seconds = static_cast<int>(*st.retry_after_seconds);
      }
      return e;
    }
    a.budget_period_ = limits.budget_period;
  }

  if (limits.max_concurrency) {
    auto got = concurrency_.tryAcquire(request.key_id, *limits.max_concurrency);
    if (!got.ok) {
      return limited(ErrorCode::RateLimited,
                     "too many concurrent requests for this API key (limit " +
                         std::to_string(*limits.max_concurrency) + ")",
                     1);
    }
    a.permit_ = std::move(got.permit);
  }

  const auto now = clock_.steadyNow();
  if (limits.rpm_limit) {
    const auto d = rpm_->tryAcquire(request.key_id, 1, *limits.rpm_limit, now);
    if (!d.allowed) {
      return limited(ErrorCode::RateLimited,
                     "rate limit of " + std::to_string(*limits.rpm_limit) +
                         " requests per minute reached for this API key",
                     d.retryAfterSeconds());
    }
  }
  if (limits.tpm_limit) {
    const auto d =
        tpm_->tryAcquire(request.key_id, request.estimated_tokens, *limits.tpm_limit, now);
    if (!d.allowed) {
      if (limits.rpm_limit) {
        rpm_->adjust(request.key_id, -1, *limits.rpm_limit, now);  // give the request back
      }
      return limited(ErrorCode::RateLimited,
                     "rate limit of " + std::to_string(*limits.tpm_limit) +
                         " tokens per minute reached for this API key",
                     d.retryAfterSeconds());
    }
    a.tpm_limit_ = limits.tpm_limit;
    a.tpm_charged_ = d.charged;
  }
  return a;
}

void KeyGuard::settle(Admission& admission, const TokenUsage& usage, double cost_usd) {
  if (admission.settled_) {
    return;
  }
  admission.settled_ = true;
  if (admission.tpm_limit_) {
    const std::int64_t delta = usage.total() - admission.tpm_charged_;
    tpm_->adjust(admission.key_id_, delta, *admission.tpm_limit_, clock_.steadyNow());
  }
  if (admission.budget_period_ && cost_usd > 0) {
    budgets_.charge(admission.key_id_, *admission.budget_period_, cost_usd);
  }
  admission.permit_.release();
}

}  // namespace gw::governance
