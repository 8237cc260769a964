#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "core/json.hpp"
#include "providers/provider.hpp"
#include "routing/config_schema.hpp"
#include "routing/route_node.hpp"
#include "routing/validation.hpp"

namespace gw::routing {

/// The outcome of compiling a routing config: `root` is set iff `errors` is empty.
struct CompileResult {
  RouteNodePtr root;
  ValidationErrors errors;
  bool ok() const { return errors.empty(); }
};

/// Validates and compiles a Portkey-format routing config into an immutable route tree.
///
/// Resolves every target: `provider_id` and `virtual_key` name stored providers; `provider`
/// names a stored provider (a leading "@" is ignored), else is a provider type for Portkey's
/// inline form (with `api_key`, `custom_host`); `override_params.model` "@name/model" names a
/// stored provider and the model; `config_id` embeds another stored routing config
/// (cycles are errors). Children inherit `override_params` (merged, child keys win), `retry`,
/// `request_timeout` and `custom_host` from their parents. A config that is a single target
/// compiles to a `single` group with that target at path "0".
///
/// `self_id` is the id of the config being saved, so that a reference back to it is reported
/// as a cycle. All problems are returned, each with its JSON path. Pure; throws nothing.
CompileResult compileConfig(const json::value& config, const ProviderDirectory& directory,
                            std::optional<std::int64_t> self_id = std::nullopt);

/// The route of a plain model: one `single` group with one leaf at path "0" sending to
/// `provider` with `override_params.model` = `upstream_model` (empty = the request's model).
RouteNodePtr compileSingle(std::shared_ptr<const providers::ProviderConfig> provider,
                           std::string upstream_model, RetryPolicy retry = {});

}  // namespace gw::routing
