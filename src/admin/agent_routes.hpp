#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "admin/routes.hpp"

// Agents on the control plane (docs/agents.md): the admin resource /api/admin/agents and the
// agent-facing API /api/agent/*.

namespace gw::admin {

/// Every agent key starts with this.
inline constexpr std::string_view kAgentKeyPrefix = "agk-";
/// An agent seen (heartbeat or successful check) within this window is online.
inline constexpr std::chrono::seconds kAgentOnlineWindow{30};

enum class AgentStatus { Online, Offline, Unknown, Disabled };

/// The status shown for an agent: Disabled when not enabled, Unknown when never seen (or the
/// stored time does not parse), Online when last seen within kAgentOnlineWindow of `now`,
/// Offline otherwise.
AgentStatus agentStatus(bool enabled, const std::optional<std::string>& last_seen_at,
                        std::chrono::system_clock::time_point now);
/// "online" | "offline" | "unknown" | "disabled".
std::string_view agentStatusName(AgentStatus status);

/// /api/admin/agents (JWT; viewers read only). `public_url` is PUBLIC_URL (may be empty: the
/// install scripts then use the URL the admin's request came to).
void registerAgentRoutes(http::Router& r, AdminDeps& d, std::string public_url);

/// /api/agent/{config,heartbeat,usage,binary}: authenticated by an enabled agent's key only
/// (a JWT is refused). `executable` is the file served by /api/agent/binary (normally
/// /proc/self/exe).
void registerAgentApiRoutes(http::Router& r, AdminDeps& d, std::string executable);

}  // namespace gw::admin
