#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "providers/provider.hpp"
#include "routing/query.hpp"
#include "routing/route_node.hpp"
#include "routing/validation.hpp"

namespace gw::routing {

/// What the compiler needs to know about a provider type for Portkey's inline target form
/// (`{"provider": "openai", "api_key": "...", "custom_host": "..."}`).
struct ProviderTypeInfo {
  std::string family;    ///< adapter family, e.g. "openai", "anthropic"
  std::string base_url;  ///< default base URL of the type, no trailing slash
};

/// Look-ups the compiler resolves targets with: stored providers (by id or unique name),
/// provider types (for inline targets) and other stored routing configs (for `config_id`
/// targets). Implemented over the snapshot by the caller; MapProviderDirectory is a simple
/// in-memory implementation.
/// @par Thread Safety
/// Called only while compiling; implementations need not be thread-safe.
class ProviderDirectory {
public:
  virtual ~ProviderDirectory() = default;
  /// The stored provider with this id, or null.
  virtual std::shared_ptr<const providers::ProviderConfig> findById(std::int64_t id) const = 0;
  /// The stored provider with this unique name, or null.
  virtual std::shared_ptr<const providers::ProviderConfig> findByName(
      std::string_view name) const = 0;
  /// Family and default base URL of a catalog provider type ("openai", "groq"...), or nullopt
  /// when the type is unknown.
  virtual std::optional<ProviderTypeInfo> findType(std::string_view type) const = 0;
  /// The `config` JSON of the stored routing config with this id, or nullopt.
  virtual std::optional<json::value> findConfig(std::int64_t id) const { return std::nullopt; }
};

/// A ProviderDirectory over plain maps, for the snapshot builder and tests.
class MapProviderDirectory final : public ProviderDirectory {
public:
  void addProvider(providers::ProviderConfig provider);
  void addType(std::string type, ProviderTypeInfo info);
  void addConfig(std::int64_t id, json::value config);

  std::shared_ptr<const providers::ProviderConfig> findById(std::int64_t id) const override;
  std::shared_ptr<const providers::ProviderConfig> findByName(
      std::string_view name) const override;
  std::optional<ProviderTypeInfo> findType(std::string_view type) const override;
  std::optional<json::value> findConfig(std::int64_t id) const override;

private:
  std::vector<std::shared_ptr<const providers::ProviderConfig>> providers_;
  std::map<std::string, ProviderTypeInfo, std::less<>> types_;
  std::map<std::int64_t, json::value> configs_;
};

/// `retry` of a target as written.
struct RetrySpec {
  int attempts = 0;  ///< clamped to kMaxRetryAttempts
  std::optional<std::vector<int>> on_status_codes;
  std::optional<bool> use_retry_after;  ///< `use_retry_after_headers`
};

/// One `strategy.conditions[i]` as written, its query already compiled.
struct ConditionSpec {
  Query query;
  std::string then;
  std::string path;  ///< JSON path of the condition
};

/// One node of a routing config as written (Portkey's recursive config/target object),
/// shape-checked but not resolved: provider references are still names and ids.
struct ConfigNode {
  std::string path;  ///< JSON path of this node: "" for the root, "targets[1]", ...

  // --- group (`strategy` + `targets`) ---
  std::optional<StrategyMode> mode;
  std::optional<std::vector<int>> on_status_codes;
  std::vector<ConditionSpec> conditions;
  std::optional<std::string> default_target;
  std::vector<ConfigNode> targets;

  // --- target ---
  std::string name;
  std::optional<std::int64_t> provider_id;
  std::optional<std::string> provider;     ///< stored provider name ("@name" too) or a type
  std::optional<std::string> virtual_key;  ///< Portkey: treated as a stored provider's name
  std::optional<std::string> api_key;      ///< inline form
  std::optional<std::string> custom_host;  ///< inline form, or a base URL override
  std::optional<std::int64_t> config_id;   ///< another stored routing config

  // --- settings (both kinds; inherited by descendants) ---
  std::optional<double> weight;
  std::optional<json::object> override_params;
  std::optional<RetrySpec> retry;
  std::optional<std::int64_t> request_timeout_ms;

  bool isGroup() const { return mode.has_value(); }
};

/// A parsed config: `root` is set when `errors` is empty.
struct ParsedConfig {
  std::optional<ConfigNode> root;
  ValidationErrors errors;
};

/// Parses and shape-checks a Portkey-format routing config. Keys are accepted in snake_case
/// and camelCase (`on_status_codes` / `onStatusCodes`); Portkey fields the gateway does not
/// implement (`cache`, `forward_headers`, `before_request_hooks`, `after_request_hooks`,
/// vendor fields) are accepted and ignored. Every problem found is reported with its path
/// below `base_path`.
ParsedConfig parseConfig(const json::value& config, const std::string& base_path = {});

}  // namespace gw::routing
