#pragma once

#include <string>
#include <string_view>

#include "providers/openai/openai_adapter.hpp"

namespace gw::providers::azure {

/// The api-version used when the provider's config sets none: the latest GA version of the
/// data-plane inference API (https://learn.microsoft.com/azure/ai-services/openai/reference).
inline constexpr std::string_view kDefaultApiVersion = "2024-10-21";

/// Azure OpenAI: OpenAI's wire format on deployment URLs
/// `{base}/openai/deployments/{deployment}/{op}?api-version=...` with an `api-key` header.
/// The deployment is `config.deployments[model]` when mapped, else the model id itself.
/// Config: `api_version`, `deployments` (object model -> deployment), `resource` (used by the
/// catalog to build the base URL `https://{resource}.openai.azure.com`).
/// Stateless; thread-safe.
class AzureAdapter final : public openai::OpenAiAdapter {
public:
  std::string_view family() const override { return "azure"; }

protected:
  Result<std::string> endpointUrl(Operation op, const json::object& body,
                                  const ProviderConfig& provider) const override;
  void addAuth(Headers& headers, const ProviderConfig& provider) const override;
};

/// The deployment name for `model` under `provider.config.deployments`.
std::string deploymentFor(std::string_view model, const ProviderConfig& provider);

/// A new Azure OpenAI adapter.
AdapterPtr makeAzureAdapter();

}  // namespace gw::providers::azure
