#include "routing/route_node.hpp"

namespace gw::routing {

std::string_view strategyModeName(StrategyMode mode) {
  switch (mode) {
    case StrategyMode::Single: return "single";
    case StrategyMode::LoadBalance: return "loadbalance";
    case StrategyMode::Fallback: return "fallback";
    case StrategyMode::Conditional: return "conditional";
  }
  return "single";
}

std::optional<StrategyMode> parseStrategyMode(std::string_view name) {
  for (auto mode : {StrategyMode::Single, StrategyMode::LoadBalance, StrategyMode::Fallback,
                    StrategyMode::Conditional}) {
    if (strategyModeName(mode) == name) {
      return mode;
    }
  }
  return std::nullopt;
}

std::string_view RouteNode::overrideModel() const {
  if (const auto* m = getString(override_params, "model")) {
    return *m;
  }
  return {};
}

std::size_t RouteNode::leafCount() const {
  if (isLeaf()) {
    return 1;
  }
  std::size_t n = 0;
  for (const auto& c : children) {
    n += c.leafCount();
  }
  return n;
}

}  // namespace gw::routing
