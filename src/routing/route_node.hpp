#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "providers/provider.hpp"
#include "routing/query.hpp"

namespace gw::routing {

/// How a group node chooses among its children (`strategy.mode`).
enum class StrategyMode { Single, LoadBalance, Fallback, Conditional };

/// "single", "loadbalance", "fallback", "conditional".
std::string_view strategyModeName(StrategyMode mode);
/// Parses a mode name; nullopt when unknown.
std::optional<StrategyMode> parseStrategyMode(std::string_view name);

/// Portkey's default `retry.on_status_codes`.
inline const std::vector<int>& defaultRetryStatusCodes() {
  static const std::vector<int> kCodes{429, 500, 502, 503, 504};
  return kCodes;
}

/// Portkey caps `retry.attempts` at 5 retries; larger values are clamped.
inline constexpr int kMaxRetryAttempts = 5;

/// Effective retry policy of a leaf. `attempts` counts retries after the first try, as in
/// Portkey (attempts 2 = up to 3 tries).
struct RetryPolicy {
  int attempts = 0;
  std::vector<int> on_status_codes = defaultRetryStatusCodes();
  /// Wait for the provider's Retry-After (up to the executor's cap) instead of the backoff.
  bool use_retry_after = true;
};

/// One condition of a conditional node: when `query` matches, route to `children[target]`.
struct Condition {
  Query query;
  std::size_t target = 0;
};

/// A node of a compiled routing tree: a group (strategy over children) or a leaf (one
/// provider target with its effective settings, inherited ones already merged in).
/// @par Thread Safety
/// Immutable once compiled; shared by all event-loop threads through RouteNodePtr.
struct RouteNode {
  /// Index path from the root, e.g. "0", "1.0" (like Portkey's last-used-option-index);
  /// empty for the root.
  std::string path;
  /// `name` of the target (conditional routing refers to children by it); may be empty.
  std::string name;
  /// Load-balancing weight (default 1).
  double weight = 1.0;

  // --- group ---
  StrategyMode mode = StrategyMode::Single;
  /// `strategy.on_status_codes`; unset = fall back on any error.
  std::optional<std::vector<int>> on_status_codes;
  std::vector<Condition> conditions;
  std::optional<std::size_t> default_target;  ///< conditional: child index of `default`
  std::vector<RouteNode> children;

  // --- leaf ---
  std::shared_ptr<const providers::ProviderConfig> provider;  ///< set iff this is a leaf
  json::object override_params;  ///< effective: the parents' merged with this target's
  RetryPolicy retry;
  std::optional<std::chrono::milliseconds> request_timeout;  ///< per attempt

  bool isLeaf() const { return provider != nullptr; }
  /// `override_params.model`, or empty when the request's model is used.
  std::string_view overrideModel() const;
  /// Number of leaves below (1 for a leaf).
  std::size_t leafCount() const;
};

using RouteNodePtr = std::shared_ptr<const RouteNode>;

}  // namespace gw::routing
