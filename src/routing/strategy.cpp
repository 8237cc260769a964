#include "routing/strategy.hpp"

#include <algorithm>
#include <numeric>

namespace gw::routing {

namespace {

bool listed(const std::optional<std::vector<int>>& codes, const Error& error) {
  return codes && std::find(codes->begin(), codes->end(), effectiveStatus(error)) != codes->end();
}

}  // namespace

int effectiveStatus(const Error& error) {
  if (error.upstream_status) {
    return *error.upstream_status;
  }
  if (error.code == ErrorCode::UpstreamTimeout) {
    return 408;
  }
  return static_cast<int>(httpStatus(error.code));
}

bool isConnectionFailure(const Error& error) {
  return !error.upstream_status && (error.code == ErrorCode::UpstreamUnavailable ||
                                    error.code == ErrorCode::UpstreamTimeout);
}

std::vector<std::size_t> SingleStrategy::order(const RouteNode& node, const RouteContext&,
                                               Random&) const {
  if (node.children.empty()) {
    return {};
  }
  return {0};
}

bool SingleStrategy::shouldTryNext(const RouteNode&, const Error&) const { return false; }

std::vector<std::size_t> LoadBalanceStrategy::order(const RouteNode& node, const RouteContext&,
                                                    Random& random) const {
  std::vector<std::size_t> pool;
  for (std::size_t i = 0; i < node.children.size(); ++i) {
    if (node.children[i].weight > 0) {
      pool.push_back(i);
    }
  }
  std::vector<std::size_t> out;
  out.reserve(pool.size());
  while (!pool.empty()) {
    double total = 0;
    for (auto i : pool) {
      total += node.children[i].weight;
    }
    double pick = random.uniform() * total;
    std::size_t chosen = pool.size() - 1;  // rounding: the last one takes the remainder
    for (std::size_t k = 0; k < pool.size(); ++k) {
      const double w = node.children[pool[k]].weight;
      if (pick < w) {
        chosen = k;
        break;
      }
      pick -= w;
    }
    out.push_back(pool[chosen]);
    pool.erase(pool.begin() + static_cast<std::ptrdiff_t>(chosen));
  }
  return out;
}

bool LoadBalanceStrategy::shouldTryNext(const RouteNode& node, const Error& error) const {
  return isConnectionFailure(error) || listed(node.on_status_codes, error);
}

std::vector<std::size_t> FallbackStrategy::order(const RouteNode& node, const RouteContext&,
                                                 Random&) const {
  std::vector<std::size_t> out(node.children.size());
  std::iota(out.begin(), out.end(), std::size_t{0});
  return out;
}

bool FallbackStrategy::shouldTryNext(const RouteNode& node, const Error& error) const {
  if (!node.on_status_codes || isConnectionFailure(error)) {
    return true;
  }
  return listed(node.on_status_codes, error);
}

std::vector<std::size_t> ConditionalStrategy::order(const RouteNode& node,
                                                    const RouteContext& ctx, Random&) const {
  for (const auto& c : node.conditions) {
    if (c.query.matches(ctx)) {
      return {c.target};
    }
  }
  if (node.default_target) {
    return {*node.default_target};
  }
  return {};
}

bool ConditionalStrategy::shouldTryNext(const RouteNode&, const Error&) const { return false; }

const Strategy& strategyFor(StrategyMode mode) {
  static const SingleStrategy kSingle;
  static const LoadBalanceStrategy kLoadBalance;
  static const FallbackStrategy kFallback;
  static const ConditionalStrategy kConditional;
  switch (mode) {
    case StrategyMode::Single: return kSingle;
    case StrategyMode::LoadBalance: return kLoadBalance;
    case StrategyMode::Fallback: return kFallback;
    case StrategyMode::Conditional: return kConditional;
  }
  return kSingle;
}

}  // namespace gw::routing
