#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "core/result.hpp"
#include "providers/provider.hpp"

namespace gw::providers {

/// One type-specific setting the admin UI must show for a provider type (stored under the
/// provider's `config`).
struct ConfigField {
  std::string key;    ///< key in ProviderConfig::config, e.g. "api_version"
  std::string label;  ///< display label
  std::string type;   ///< "string", "secret" (write-only), "number", "boolean", "map"
  bool required = false;
  json::value default_value;  ///< null when none
  std::string help;
  std::string header;  ///< when set, the value is also sent as this request header
};

/// A provider type offered in the admin UI: its family, default base URL and quirks.
/// `base_url` may hold `{key}` placeholders filled from the provider's config
/// (`https://{resource}.openai.azure.com`).
struct ProviderTemplate {
  std::string id;        ///< catalog id, stored as the provider's `type`
  std::string name;      ///< display name
  std::string family;    ///< adapter family
  std::string base_url;  ///< default base URL ("" for custom: the user must give one)
  std::string docs_url;
  ProviderFlags flags;
  bool api_key_required = true;
  std::vector<ConfigField> config_fields;
  std::vector<std::string> default_models;  ///< used when the provider has no list endpoint
};

/// The compiled-in catalog of provider templates (src/providers/catalog.json).
/// @par Thread Safety
/// Immutable after construction.
class Catalog {
public:
  explicit Catalog(std::vector<ProviderTemplate> templates, json::value source)
      : templates_(std::move(templates)), source_(std::move(source)) {}

  const std::vector<ProviderTemplate>& templates() const { return templates_; }
  /// The template with catalog id `id`, or nullptr.
  const ProviderTemplate* find(std::string_view id) const;
  /// The parsed JSON the catalog was built from.
  const json::value& source() const { return source_; }

private:
  std::vector<ProviderTemplate> templates_;
  json::value source_;
};

/// Parses and validates a catalog document; errors name the bad field ("templates[3].family").
Result<Catalog> parseCatalog(std::string_view text);

/// The compiled-in catalog (parsed once, on first use; a broken catalog is a build defect and
/// throws at start-up).
const Catalog& catalog();

/// The templates as JSON for GET /api/admin/provider-templates.
json::array catalogJson();

/// The compiled-in catalog text (for tests).
std::string_view catalogText();

}  // namespace gw::providers
