#pragma once

#include <string_view>

#include "dataplane/snapshot.hpp"

// Which agent takes a request (DESIGN 5, docs/agents.md "Rules"). Pure functions over the
// snapshot's AgentEntry; liveness is the caller's business.

namespace gw::dataplane {

/// Glob match of `text` against `pattern`: `*` any run (also empty), `?` one character, every
/// other character itself (case-sensitive). Linear in practice (greedy with one backtrack
/// point).
bool globMatch(std::string_view pattern, std::string_view text);

/// Whether `agent`'s rules accept a request for public model `model`, served by the provider
/// named `provider` (empty when not resolved yet: the provider axis then matches only agents
/// without a provider rule) from region `region` (the x-gateway-region header; empty when
/// absent: the region axis then matches only agents without a region rule). An empty rule
/// list matches everything on its axis. `enabled` is not looked at.
bool agentMatches(const AgentEntry& agent, std::string_view model, std::string_view provider,
                  std::string_view region);

}  // namespace gw::dataplane
