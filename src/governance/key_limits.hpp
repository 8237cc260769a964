#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/result.hpp"
#include "governance/budget.hpp"
#include "governance/ip_allowlist.hpp"

namespace gw::governance {

/// A virtual key's limits as the request path needs them: built once per snapshot, immutable.
/// Absent optionals mean "no limit".
struct KeyLimits {
  bool enabled = true;
  std::optional<std::int64_t> rpm_limit;
  std::optional<std::int64_t> tpm_limit;
  std::optional<std::int64_t> max_concurrency;
  std::optional<double> budget_usd;
  BudgetPeriod budget_period = BudgetPeriod::Monthly;  ///< used only with budget_usd
  std::optional<std::chrono::system_clock::time_point> expires_at;
  IpAllowlist allowed_ips;
  /// Public model names this key may call; empty = all. An entry ending in '*' is a prefix
  /// ("gpt-4o*"); "*" alone allows all.
  std::vector<std::string> allowed_models;

  bool modelAllowed(std::string_view model) const;
};

/// One bad field of an admin request: `path` like "rpm_limit" or "allowed_ips[2]".
struct FieldError {
  std::string path;
  std::string message;
  bool operator==(const FieldError&) const = default;
};

/// Largest accepted rpm/tpm/concurrency value (keeps the limiter's arithmetic far from
/// overflow).
inline constexpr std::int64_t kMaxLimitValue = 1'000'000'000;

/// Checks the limit fields present in a virtual-key create/update body (absent fields are not
/// checked, so it serves PUT with a subset too):
/// - rpm_limit, tpm_limit, max_concurrency: null or an integer in 1..kMaxLimitValue;
/// - budget_usd: null or a number > 0;
/// - budget_period: null or one of "daily", "weekly", "monthly", "total";
/// - expires_at: null or an RFC 3339 time after clock.now();
/// - allowed_ips: an array of IP addresses or CIDR networks (IPv4 or IPv6);
/// - allowed_models: an array of non-empty strings.
/// Returns every problem found, in field order; empty when the body is valid.
std::vector<FieldError> validateKeyLimits(const json::object& body, const Clock& clock);

/// The API's `details` array: [{"path","message"}, ...].
json::array fieldErrorsToJson(const std::vector<FieldError>& errors);

/// Builds KeyLimits from an object in the virtual-key field names (a stored row or the admin
/// API object: "enabled", "rpm_limit", ..., "allowed_ips", "allowed_models"). Unlike
/// validateKeyLimits, an expiry in the past is accepted (the key is then refused at admission).
/// An error names the first bad field in `param`.
Result<KeyLimits> keyLimitsFromJson(const json::object& o);

}  // namespace gw::governance
