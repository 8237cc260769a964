#include "providers/azure/azure_adapter.hpp"

#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "providers/adapter_util.hpp"

namespace gw::providers::azure {

namespace {

std::string apiVersion(const ProviderConfig& provider) {
  if (auto v = getStringView(provider.config, "api_version"); v && !v->empty()) {
    return std::string(*v);
  }
  return std::string(kDefaultApiVersion);
}

std::string encode(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

}  // namespace

std::string deploymentFor(std::string_view model, const ProviderConfig& provider) {
  if (const auto* map = getObject(provider.config, "deployments")) {
    if (auto d = getStringView(*map, model); d && !d->empty()) {
      return std::string(*d);
    }
  }
  return std::string(model);
}

Result<std::string> AzureAdapter::endpointUrl(Operation op, const json::object& body,
                                              const ProviderConfig& provider) const {
  const std::string query = "?api-version=" + encode(apiVersion(provider));
  if (op == Operation::ListModels) {
    return joinUrl(provider.base_url, "/openai/models") + query;
  }
  const char* suffix = nullptr;
  switch (op) {
    case Operation::ChatCompletions: suffix = "/chat/completions"; break;
    case Operation::Completions: suffix = "/completions"; break;
    case Operation::Embeddings: suffix = "/embeddings"; break;
    case Operation::Messages:
    case Operation::ListModels: return OpenAiAdapter::endpointUrl(op, body, provider);
  }
  const auto model = getStringView(body, "model");
  if (!model || model->empty()) {
    return Error::invalid("model is required", "model");
  }
  return joinUrl(provider.base_url,
                 "/openai/deployments/" + encode(deploymentFor(*model, provider)) + suffix) +
         query;
}

void AzureAdapter::addAuth(Headers& headers, const ProviderConfig& provider) const {
  if (!provider.api_key.empty()) {
    headers.emplace_back("api-key", provider.api_key);
  }
}

AdapterPtr makeAzureAdapter() {
  return std::make_unique<AzureAdapter>();
}

}  // namespace gw::providers::azure
