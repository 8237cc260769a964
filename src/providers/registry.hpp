#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "providers/catalog.hpp"
#include "providers/provider.hpp"

namespace gw::providers {

/// The adapter for a family ("openai", "azure", "anthropic", "gemini", "bedrock"), or nullptr
/// when unknown (or not built in). The adapters live for the whole program.
/// @par Thread Safety
/// Safe from any thread; adapters are stateless.
const Adapter* adapterFor(std::string_view family);

/// The families that have an adapter in this build.
std::vector<std::string_view> registeredFamilies();

/// A provider as stored (admin API fields), before compilation into a ProviderConfig.
struct ProviderSettings {
  std::int64_t id = 0;
  std::string name;
  std::string type;      ///< catalog id
  std::string base_url;  ///< empty = the template's default
  std::string api_key;
  json::object config;  ///< type-specific settings; `headers` and `flags` are understood here
};

/// Builds the request-path view of a provider from its stored settings and its catalog
/// template: family and flags from the template (`config.flags` may override single flags),
/// base URL (given, else the template's, with `{key}` placeholders filled from config, trailing
/// slash removed), extra headers (`config.headers` object, plus config fields that declare a
/// header). Errors name the field: unknown `type`, missing required `config.<key>`, missing
/// `base_url` or `api_key`.
Result<ProviderConfig> buildProviderConfig(const ProviderSettings& settings,
                                           const Catalog& catalog = providers::catalog());

}  // namespace gw::providers
