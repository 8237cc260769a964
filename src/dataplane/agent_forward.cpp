#include "dataplane/agent_forward.hpp"

#include <algorithm>

#include "core/crypto.hpp"
#include "dataplane/agent_rules.hpp"
#include "http/request_context.hpp"
#include "store/sqlite/request_log_store.hpp"

namespace gw::dataplane {

namespace {

constexpr std::string_view kAgentNamePrefix = "agent:";

/// Statuses from an agent that send the request on to the next agent or this node: 5xx, and
/// 401/403/404, which for a request this node already authenticated and resolved mean the
/// agent's copy of the document is behind. Connection failures and timeouts always do.
const std::vector<int>& agentFallbackStatuses() {
  static const std::vector<int> kStatuses{401, 403, 404, 500, 502, 503, 504};
  return kStatuses;
}

/// Client headers an agent needs to route the request as this node would.
constexpr std::string_view kPassedHeaders[] = {"x-gateway-region", "x-gateway-metadata",
                                               "x-portkey-metadata", "x-gateway-config",
                                               "x-portkey-config"};

const routing::RouteNode* firstLeaf(const routing::RouteNode& node) {
  if (node.isLeaf()) {
    return &node;
  }
  for (const auto& child : node.children) {
    if (const auto* leaf = firstLeaf(child)) {
      return leaf;
    }
  }
  return nullptr;
}

void collectProviders(const routing::RouteNode& node, std::vector<std::string>& out) {
  if (node.isLeaf()) {
    if (std::find(out.begin(), out.end(), node.provider->name) == out.end()) {
      out.push_back(node.provider->name);
    }
    return;
  }
  for (const auto& child : node.children) {
    collectProviders(child, out);
  }
}

bool rulesMatch(const AgentEntry& agent, std::string_view model,
                const std::vector<std::string>& providers, std::string_view region) {
  if (providers.empty()) {
    return agentMatches(agent, model, "", region);
  }
  return std::any_of(providers.begin(), providers.end(), [&](const std::string& p) {
    return agentMatches(agent, model, p, region);
  });
}

/// Prices public name `name` under provider id `target_id` like `source` (copied: inserting
/// may rehash the map `source` lives in).
void priceAs(Snapshot& snap, std::int64_t target_id, const std::string& name,
             ModelEntry source) {
  snap.by_upstream.emplace(upstreamKey(target_id, name), std::move(source));
}

}  // namespace

AgentLiveness::AgentLiveness(const Clock& clock, std::chrono::steady_clock::duration window)
    : clock_(clock),
      window_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(window).count()),
      table_(std::make_shared<const Table>()) {}

std::int64_t AgentLiveness::nowNs() const {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             clock_.steadyNow().time_since_epoch())
      .count();
}

std::shared_ptr<AgentLiveness::Slot> AgentLiveness::slot(std::int64_t id) const {
  const auto table = table_.load(std::memory_order_acquire);
  const auto it = table->find(id);
  return it == table->end() ? nullptr : it->second;
}

void AgentLiveness::seen(std::int64_t id, std::string_view key_hash) {
  const std::int64_t now = nowNs();
  if (auto s = slot(id); s && s->key_hash == key_hash) {
    s->seen_ns.store(now, std::memory_order_release);
    return;
  }
  // A new agent or a new key: copy the table (rare; a handful of agents).
  auto fresh = std::make_shared<Slot>();
  fresh->key_hash = std::string(key_hash);
  fresh->seen_ns.store(now, std::memory_order_relaxed);
  std::lock_guard lock(write_mutex_);
  auto next = std::make_shared<Table>(*table_.load(std::memory_order_acquire));
  (*next)[id] = std::move(fresh);
  table_.store(std::move(next), std::memory_order_release);
}

void AgentLiveness::forget(std::int64_t id) {
  std::lock_guard lock(write_mutex_);
  auto next = std::make_shared<Table>(*table_.load(std::memory_order_acquire));
  if (next->erase(id) != 0) {
    table_.store(std::move(next), std::memory_order_release);
  }
}

bool AgentLiveness::online(std::int64_t id) const { return tokenKey(id).has_value(); }

std::optional<std::string> AgentLiveness::tokenKey(std::int64_t id) const {
  const auto s = slot(id);
  if (!s) {
    return std::nullopt;
  }
  const std::int64_t seen = s->seen_ns.load(std::memory_order_acquire);
  if (nowNs() - seen > window_ns_) {
    return std::nullopt;
  }
  return s->key_hash;
}

std::string forwardToken(std::string_view token_key, std::string_view request_id) {
  return crypto::toHex(crypto::hmacSha256(token_key, request_id));
}

bool isForwardedRequest(const AgentForwarding& forwarding, const http::RequestContext& rc) {
  if (forwarding.token_key.empty()) {
    return false;
  }
  const std::string_view presented = rc.header(kForwardedHeader);
  return !presented.empty() &&
         crypto::constantTimeEquals(presented,
                                    forwardToken(forwarding.token_key, rc.requestId()));
}

ProviderPtr agentProvider(const AgentEntry& agent) {
  if (agent.kind != "gateway" || agent.endpoint.empty()) {
    return nullptr;
  }
  providers::ProviderConfig p;
  p.id = -agent.id;
  p.name = std::string(kAgentNamePrefix) + agent.name;
  p.type = std::string(kAgentProviderType);
  p.family = "openai";
  std::string_view base = agent.endpoint;
  while (!base.empty() && base.back() == '/') {
    base.remove_suffix(1);
  }
  p.base_url = std::string(base) + "/v1";
  return std::make_shared<const providers::ProviderConfig>(std::move(p));
}

void attachAgentTargets(Snapshot& snapshot) {
  for (auto& agent : snapshot.agents) {
    agent.target = agentProvider(agent);
    if (!agent.target) {
      continue;
    }
    const std::int64_t id = agent.target->id;
    // Virtual models first: a request for a name that is both goes to the routing config.
    for (const auto& [name, config_id] : snapshot.virtual_models) {
      const auto route = snapshot.routes.find(config_id);
      const auto* leaf = route == snapshot.routes.end() ? nullptr : firstLeaf(*route->second.root);
      if (leaf == nullptr) {
        continue;
      }
      const std::string_view model = leaf->overrideModel();
      const auto priced =
          snapshot.by_upstream.find(upstreamKey(leaf->provider->id, model.empty() ? name : model));
      if (priced != snapshot.by_upstream.end()) {
        priceAs(snapshot, id, name, priced->second);
      }
    }
    for (const auto& [name, entries] : snapshot.models) {
      if (!entries.empty()) {
        priceAs(snapshot, id, name, entries.front());
      }
    }
  }
}

std::vector<std::string> routeProviders(const routing::RouteNode& route) {
  std::vector<std::string> out;
  collectProviders(route, out);
  return out;
}

std::vector<ForwardCandidate> selectAgents(const Snapshot& snapshot,
                                           const AgentLiveness& liveness, std::string_view model,
                                           const std::vector<std::string>& providers,
                                           std::string_view region) {
  std::vector<ForwardCandidate> out;
  for (const auto& agent : snapshot.agents) {  // already by (priority, id)
    if (!agent.enabled || !agent.target || !rulesMatch(agent, model, providers, region)) {
      continue;
    }
    if (auto key = liveness.tokenKey(agent.id)) {
      out.push_back(ForwardCandidate{&agent, std::move(*key)});
    }
  }
  return out;
}

routing::RouteNodePtr routeWithAgents(const AgentForwarding& forwarding,
                                      const Snapshot& snapshot, routing::RouteNodePtr route,
                                      const ForwardRequest& request) {
  if (forwarding.liveness == nullptr || !forwarding.token_key.empty() ||
      snapshot.agents.empty() || !route) {
    return route;
  }
  const auto candidates = selectAgents(snapshot, *forwarding.liveness, request.model,
                                       routeProviders(*route), request.region);
  if (candidates.empty()) {
    return route;
  }
  auto root = std::make_shared<routing::RouteNode>();
  root->mode = routing::StrategyMode::Fallback;
  root->on_status_codes = agentFallbackStatuses();
  for (const auto& c : candidates) {
    // Per request: the agent authenticates the client's own key against its document.
    auto provider = std::make_shared<providers::ProviderConfig>(*c.agent->target);
    provider->api_key = std::string(request.client_key);
    provider->extra_headers = request.pass_headers;
    provider->extra_headers.emplace_back("x-request-id", std::string(request.request_id));
    provider->extra_headers.emplace_back(std::string(kForwardedHeader),
                                         forwardToken(c.token_key, request.request_id));
    routing::RouteNode leaf;
    leaf.name = provider->name;
    leaf.path = provider->name;
    leaf.provider = std::move(provider);
    root->children.push_back(std::move(leaf));
  }
  root->children.push_back(*route);
  return root;
}

routing::RouteNodePtr routeWithAgents(const AgentForwarding& forwarding,
                                      const Snapshot& snapshot, routing::RouteNodePtr route,
                                      const http::RequestContext& rc, std::string_view model,
                                      std::string_view client_key) {
  if (forwarding.liveness == nullptr || !forwarding.token_key.empty() ||
      snapshot.agents.empty()) {
    return route;  // the common case, before reading any header
  }
  ForwardRequest request;
  request.model = model;
  request.region = rc.header("x-gateway-region");
  request.client_key = client_key;
  request.request_id = rc.requestId();
  for (const auto name : kPassedHeaders) {
    if (const auto v = rc.header(name); !v.empty()) {
      request.pass_headers.emplace_back(std::string(name), std::string(v));
    }
  }
  return routeWithAgents(forwarding, snapshot, std::move(route), request);
}

bool isAgentProvider(const providers::ProviderConfig& provider, std::string* agent_name) {
  if (provider.type != kAgentProviderType) {
    return false;
  }
  if (agent_name != nullptr) {
    std::string_view name = provider.name;
    if (name.starts_with(kAgentNamePrefix)) {
      name.remove_prefix(kAgentNamePrefix.size());
    }
    *agent_name = std::string(name);
  }
  return true;
}

void markAnsweringAgent(http::RequestContext& rc, const providers::ProviderConfig& provider) {
  rc.removeHeader(kAgentHeader);
  std::string name;
  if (isAgentProvider(provider, &name)) {
    rc.addHeader(std::string(kAgentHeader), std::move(name));
  }
}

void noteForwarding(store::UsageRecord& record, const providers::ProviderConfig* answered_by,
                    bool forwarded_in) {
  record.forwarded = forwarded_in;
  std::string name;
  if (answered_by != nullptr && isAgentProvider(*answered_by, &name)) {
    record.agent = std::move(name);
    record.provider_id.reset();
  }
}

}  // namespace gw::dataplane
