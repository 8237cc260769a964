#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/json.hpp"

namespace gw::store {

struct UserRow {
  std::int64_t id = 0;
  std::string username;
  std::string password_hash;
  std::string role;
  std::string created_at;
};

struct ProviderRow {
  std::int64_t id = 0;
  std::string name;
  std::string type;
  std::string base_url;
  std::string api_key_sealed;  ///< SecretBox-sealed API key; empty when none
  std::string api_key_hint;    ///< masked form for display, e.g. "sk-...abcd"
  json::object config;
  bool enabled = true;
  std::string created_at;
  std::string updated_at;
  std::int64_t model_count = 0;
};

struct ModelRow {
  std::int64_t id = 0;
  std::int64_t provider_id = 0;
  std::string provider_name;
  std::string name;
  std::string model_id;
  bool enabled = true;
  std::string mode = "chat";
  std::optional<std::int64_t> context_window;
  std::optional<std::int64_t> max_output_tokens;
  std::optional<double> input_price;  ///< USD per million tokens
  std::optional<double> output_price;
  std::optional<double> cached_input_price;
  json::object capabilities;
  std::string created_at;
  std::string updated_at;
};

struct VirtualKeyRow {
  std::int64_t id = 0;
  std::string name;
  std::string key_hash;  ///< SHA-256 hex of the full key
  std::string key_prefix;
  bool enabled = true;
  json::array allowed_models;
  std::optional<std::int64_t> provider_id;
  std::optional<std::int64_t> routing_config_id;
  std::optional<std::int64_t> rpm_limit;
  std::optional<std::int64_t> tpm_limit;
  std::optional<std::int64_t> max_concurrency;
  std::optional<double> budget_usd;
  std::optional<std::string> budget_period;
  std::optional<std::string> expires_at;
  json::array allowed_ips;
  bool allow_config_header = false;
  std::string created_at;
  std::string updated_at;
};

struct RoutingConfigRow {
  std::int64_t id = 0;
  std::string name;
  std::string description;
  std::optional<std::string> virtual_model;
  bool enabled = true;
  json::value config;
  std::string created_at;
  std::string updated_at;
};

/// A remote agent (DESIGN 5). The admin fields come first; the heartbeat fields after them are
/// written only by AgentStore::recordHeartbeat / recordProbe.
struct AgentRow {
  std::int64_t id = 0;
  std::string name;
  std::string region;
  std::string description;
  std::string kind = "gateway";  ///< "gateway" | "portkey"
  std::optional<std::string> endpoint;
  bool enabled = true;
  json::object rules;  ///< {"models":[...],"providers":[...],"regions":[...]}, lists optional
  std::int64_t priority = 0;
  std::string key_hash;  ///< SHA-256 hex of the agent key
  std::string key_prefix;
  std::optional<std::string> last_seen_at;
  std::optional<double> latency_ms;
  std::optional<std::string> agent_version;
  std::optional<std::int64_t> config_version;
  std::optional<std::string> remote_addr;
  std::optional<json::object> stats;  ///< {"requests","errors","inflight","uptime_s"}
  std::string created_at;
  std::string updated_at;
};

/// What an agent reports in a heartbeat (AgentStore::recordHeartbeat).
struct AgentHeartbeat {
  std::string seen_at;  ///< RFC 3339
  std::string remote_addr;
  std::optional<std::string> agent_version;
  std::optional<std::int64_t> config_version;
  std::optional<double> latency_ms;  ///< unchanged when absent
  json::object stats;
};

/// Paging and filters of a list call. `filters` holds resource-specific exact filters
/// (e.g. "provider_id" -> "3"); unknown filters are ignored.
struct ListQuery {
  std::string q;
  int page = 1;
  int page_size = 20;
  std::map<std::string, std::string> filters;
  std::string sort;
  bool descending = false;
};

template <class Row>
struct Page {
  std::vector<Row> rows;
  std::int64_t total = 0;
};

}  // namespace gw::store
