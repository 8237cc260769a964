#pragma once

#include <cstddef>
#include <vector>

#include "core/error.hpp"
#include "core/random.hpp"
#include "routing/route_context.hpp"
#include "routing/route_node.hpp"

namespace gw::routing {

/// How a group node orders its children and when a failed child lets the next one run.
/// Selection only: the executor owns retries, breakers and deadlines.
/// @par Thread Safety
/// Implementations are stateless; one instance serves all threads.
class Strategy {
public:
  virtual ~Strategy() = default;
  /// Indices of `node.children` in the order they may be tried (the first is the choice;
  /// the rest are candidates when it fails or is skipped as circuit-open).
  virtual std::vector<std::size_t> order(const RouteNode& node, const RouteContext& ctx,
                                         Random& random) const = 0;
  /// Whether, after a child failed with `error`, the next child in order() may be tried.
  /// (A child skipped because all of its targets are circuit-open always lets the next run.)
  virtual bool shouldTryNext(const RouteNode& node, const Error& error) const = 0;
};

/// `single`: the first target only.
class SingleStrategy final : public Strategy {
public:
  std::vector<std::size_t> order(const RouteNode& node, const RouteContext& ctx,
                                 Random& random) const override;
  bool shouldTryNext(const RouteNode& node, const Error& error) const override;
};

/// `loadbalance`: a weighted random permutation (each position drawn by weight among the
/// children not yet placed; weight-0 children never). Like Portkey, an upstream HTTP error is
/// answered as is; unlike Portkey, a connection failure or timeout (or a status listed in
/// `strategy.on_status_codes`, when given) moves on to the next weighted pick.
class LoadBalanceStrategy final : public Strategy {
public:
  std::vector<std::size_t> order(const RouteNode& node, const RouteContext& ctx,
                                 Random& random) const override;
  bool shouldTryNext(const RouteNode& node, const Error& error) const override;
};

/// `fallback`: targets in order. The next one runs after a connection failure or timeout,
/// and after an upstream error whose status is in `strategy.on_status_codes` (any error when
/// the list is absent, as Portkey falls back on any non-2xx by default).
class FallbackStrategy final : public Strategy {
public:
  std::vector<std::size_t> order(const RouteNode& node, const RouteContext& ctx,
                                 Random& random) const override;
  bool shouldTryNext(const RouteNode& node, const Error& error) const override;
};

/// `conditional`: the `then` target of the first condition whose query matches, else the
/// `default` target, else nothing (the executor answers NoAvailableTarget). No fallback.
class ConditionalStrategy final : public Strategy {
public:
  std::vector<std::size_t> order(const RouteNode& node, const RouteContext& ctx,
                                 Random& random) const override;
  bool shouldTryNext(const RouteNode& node, const Error& error) const override;
};

/// The shared strategy object of a mode.
const Strategy& strategyFor(StrategyMode mode);

/// The HTTP status an error counts as for `on_status_codes` lists: the upstream status when
/// the provider answered; 408 for a timeout (as Portkey reports `request_timeout`); 502 for
/// a connection failure; else the gateway's status for the error code.
int effectiveStatus(const Error& error);

/// Connection refused/reset, DNS failure or a timeout: the upstream never answered.
bool isConnectionFailure(const Error& error);

}  // namespace gw::routing
