#include "providers/provider.hpp"

#include <boost/algorithm/string/predicate.hpp>

#include "core/text.hpp"

namespace gw::providers {

const std::string* findHeader(const Headers& headers, std::string_view name) {
  for (const auto& [key, value] : headers) {
    if (iequalsAscii(key, name)) {
      return &value;
    }
  }
  return nullptr;
}

namespace {

void redactAll(std::string& text, std::string_view secret) {
  // Very short values (a region, "true") are not secrets worth masking and would mangle text.
  if (secret.size() < 8) {
    return;
  }
  for (auto pos = text.find(secret); pos != std::string::npos; pos = text.find(secret, pos)) {
    text.replace(pos, secret.size(), "***");
    pos += 3;
  }
}

bool isSecretKey(std::string_view key) {
  return boost::algorithm::icontains(key, "secret") || boost::algorithm::icontains(key, "token") ||
         boost::algorithm::icontains(key, "key") || boost::algorithm::icontains(key, "password");
}

}  // namespace

Error redactCredentials(Error error, const ProviderConfig& provider) {
  redactAll(error.message, provider.api_key);
  for (const auto& [key, value] : provider.config) {
    if (value.is_string() && isSecretKey(key)) {
      redactAll(error.message, value.get_string());
    }
  }
  return error;
}

}  // namespace gw::providers
