#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/clock.hpp"
#include "dataplane/dataplane.hpp"
#include "dataplane/snapshot.hpp"
#include "providers/provider.hpp"
#include "routing/route_node.hpp"

namespace gw::http {
class RequestContext;
}
namespace gw::store {
struct UsageRecord;
}

// Forwarding from the control plane to its agents (docs/agents.md "Forwarding"). A request
// whose public model, route providers and x-gateway-region match an enabled, online agent's
// rules runs through a fallback node [matching agents by priority..., the local route]: the
// routing executor then does the trying, the fallback on connect failures and 5xx before the
// first byte, and never retries once the answer started. An agent target is a synthetic
// OpenAI-compatible provider (family "openai", `<endpoint>/v1`) that carries the client's own
// virtual key and a token telling the agent the call comes from its control plane.

namespace gw::dataplane {

/// The `type` of an agent's synthetic provider.
inline constexpr std::string_view kAgentProviderType = "agent";
/// Header carrying the forward token (hex HMAC-SHA256 of the request id, keyed with the SHA-256
/// hex of the agent's key).
inline constexpr std::string_view kForwardedHeader = "x-gateway-forwarded";
/// Response header naming the agent that answered.
inline constexpr std::string_view kAgentHeader = "x-gateway-agent";

/// When each agent was last seen (a heartbeat, or a successful check probe) and with which key,
/// in memory: the request path asks it whether an agent is online. An agent never seen since
/// this process started is not online.
/// @par Thread Safety
/// Every member is thread-safe. online()/tokenKey() never lock: they read an immutable table
/// through an atomic shared_ptr and the slot's atomic time. seen() locks only when an agent
/// appears or its key changes; forget() always locks.
class AgentLiveness {
public:
  /// `clock` must outlive this. An agent is online while last seen within `window`.
  explicit AgentLiveness(const Clock& clock,
                         std::chrono::steady_clock::duration window = std::chrono::seconds(30));

  /// Records that agent `id`, whose key has the SHA-256 hex `key_hash`, was seen now.
  void seen(std::int64_t id, std::string_view key_hash);
  /// Forgets agent `id` (its key was regenerated): offline until it is seen again.
  void forget(std::int64_t id);
  /// Whether agent `id` was seen within the window.
  bool online(std::int64_t id) const;
  /// The SHA-256 hex of the key agent `id` was last seen with, when it is online.
  std::optional<std::string> tokenKey(std::int64_t id) const;

private:
  struct Slot {
    std::string key_hash;
    std::atomic<std::int64_t> seen_ns{0};  ///< steady clock, nanoseconds since its epoch
  };
  using Table = std::unordered_map<std::int64_t, std::shared_ptr<Slot>>;

  std::shared_ptr<Slot> slot(std::int64_t id) const;
  std::int64_t nowNs() const;

  const Clock& clock_;
  const std::int64_t window_ns_;
  std::atomic<std::shared_ptr<const Table>> table_;
  std::mutex write_mutex_;
};

/// The forward token for `request_id` sent to the agent whose key has SHA-256 hex `token_key`:
/// lowercase hex HMAC-SHA256(key = token_key, data = request_id).
std::string forwardToken(std::string_view token_key, std::string_view request_id);

/// Agent mode: whether the request carries a valid forward token for this agent (so its
/// control plane logs it and this node does not upload a usage row). False when
/// `forwarding.token_key` is empty (control plane).
bool isForwardedRequest(const AgentForwarding& forwarding, const http::RequestContext& rc);

/// The synthetic provider of a `gateway` agent with an endpoint: id -agent.id, name
/// "agent:<name>", type kAgentProviderType, family "openai", base URL `<endpoint>/v1`, no key.
/// Null for other agents (Portkey agents are not forwarded to).
ProviderPtr agentProvider(const AgentEntry& agent);

/// Compile step: gives every forwardable agent its `target`, and prices each public model
/// (and virtual model) under the target's id the way the local route would price it (the
/// model's first provider; a virtual model's first target), so a forwarded request costs what
/// it would cost locally.
void attachAgentTargets(Snapshot& snapshot);

/// The names of every provider `route` can send to, in tree order, without repeats.
std::vector<std::string> routeProviders(const routing::RouteNode& route);

/// A request's facts the agent choice and the forwarded call need.
struct ForwardRequest {
  std::string_view model;       ///< public model the client asked for
  std::string_view region;      ///< x-gateway-region ("" when absent)
  std::string_view client_key;  ///< the client's virtual key, passed on to the agent
  std::string_view request_id;  ///< also sent as x-request-id
  providers::Headers pass_headers;  ///< client headers passed on (region, metadata, config)
};

/// One agent chosen for a request, with the key hash its token is made with.
struct ForwardCandidate {
  const AgentEntry* agent = nullptr;
  std::string token_key;
};

/// The agents that take a request, in order (priority, then id): enabled, forwardable
/// (`target` set), online in `liveness`, and matching `model`, `region` and one of
/// `providers` (an empty list: the provider axis matches only agents without a provider rule).
std::vector<ForwardCandidate> selectAgents(const Snapshot& snapshot,
                                           const AgentLiveness& liveness, std::string_view model,
                                           const std::vector<std::string>& providers,
                                           std::string_view region);

/// The route to run: `route` itself, or (on a node that forwards, with matching agents) a
/// fallback group [one leaf per agent..., a copy of `route`] that falls back on a connection
/// failure, a timeout, 5xx, or 401/403/404 (which, for a request this node authenticated and
/// resolved, mean the agent's document is behind). Agent leaves carry per-request copies of
/// the agents' providers with the client's key and the forward headers. Never forwards when
/// `forwarding.liveness` is null or `forwarding.token_key` is set (agent mode).
routing::RouteNodePtr routeWithAgents(const AgentForwarding& forwarding,
                                      const Snapshot& snapshot, routing::RouteNodePtr route,
                                      const ForwardRequest& request);

/// The same, reading the region and pass-through headers from `rc`.
routing::RouteNodePtr routeWithAgents(const AgentForwarding& forwarding,
                                      const Snapshot& snapshot, routing::RouteNodePtr route,
                                      const http::RequestContext& rc, std::string_view model,
                                      std::string_view client_key);

/// Whether `provider` is an agent's synthetic provider; the agent's name then goes to
/// `*agent_name` (when not null).
bool isAgentProvider(const providers::ProviderConfig& provider, std::string* agent_name = nullptr);

/// Before each attempt: sets `x-gateway-agent: <name>` when `provider` is an agent's, else
/// removes it (a fallback to this node after an agent failed).
void markAnsweringAgent(http::RequestContext& rc, const providers::ProviderConfig& provider);

/// Completes a usage row: an agent's answer is logged with `agent` = its name and no provider
/// id; a request forwarded to this agent by its control plane is marked `forwarded` (logged
/// there, not uploaded from here).
void noteForwarding(store::UsageRecord& record, const providers::ProviderConfig* answered_by,
                    bool forwarded_in);

}  // namespace gw::dataplane
