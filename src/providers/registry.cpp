#include "providers/registry.hpp"

#include <array>
#include <memory>
#include <utility>

#include "providers/anthropic/anthropic_adapter.hpp"
#include "providers/azure/azure_adapter.hpp"
#include "providers/openai/openai_adapter.hpp"

// Gemini and Bedrock are built by another part of the module; until their headers land the
// registry simply has no adapter for those families.
#if __has_include("providers/gemini/gemini_adapter.hpp")
#include "providers/gemini/gemini_adapter.hpp"
#define GW_HAS_GEMINI_ADAPTER 1
#endif
#if __has_include("providers/bedrock/bedrock_adapter.hpp")
#include "providers/bedrock/bedrock_adapter.hpp"
#define GW_HAS_BEDROCK_ADAPTER 1
#endif

namespace gw::providers {

namespace {

struct Registry {
  std::vector<std::pair<std::string_view, AdapterPtr>> adapters;

  Registry() {
    add(openai::makeOpenAiAdapter());
    add(azure::makeAzureAdapter());
    add(anthropic::makeAnthropicAdapter());
#ifdef GW_HAS_GEMINI_ADAPTER
    add(gemini::makeGeminiAdapter());
#endif
#ifdef GW_HAS_BEDROCK_ADAPTER
    add(bedrock::makeBedrockAdapter());
#endif
  }

  void add(AdapterPtr adapter) {
    const auto family = adapter->family();
    adapters.emplace_back(family, std::move(adapter));
  }
};

const Registry& registry() {
  static const Registry kRegistry;
  return kRegistry;
}

/// Replaces `{key}` in `text` with string values of `config`; fails on an unfilled placeholder.
Result<std::string> fillPlaceholders(std::string text, const json::object& config) {
  std::size_t pos = 0;
  while ((pos = text.find('{', pos)) != std::string::npos) {
    const auto end = text.find('}', pos);
    if (end == std::string::npos) {
      break;
    }
    const auto key = text.substr(pos + 1, end - pos - 1);
    auto value = getStringView(config, key);
    if (!value || value->empty()) {
      return Error::invalid("config." + key + " is required to build the base URL",
                            "config." + key);
    }
    text.replace(pos, end - pos + 1, *value);
    pos += value->size();
  }
  return text;
}

}  // namespace

const Adapter* adapterFor(std::string_view family) {
  for (const auto& [name, adapter] : registry().adapters) {
    if (name == family) {
      return adapter.get();
    }
  }
  return nullptr;
}

std::vector<std::string_view> registeredFamilies() {
  std::vector<std::string_view> out;
  for (const auto& entry : registry().adapters) {
    out.push_back(entry.first);
  }
  return out;
}

Result<ProviderConfig> buildProviderConfig(const ProviderSettings& settings,
                                           const Catalog& catalog) {
  const auto* tpl = catalog.find(settings.type);
  if (!tpl) {
    return Error::invalid("unknown provider type '" + settings.type + "'", "type");
  }
  ProviderConfig out;
  out.id = settings.id;
  out.name = settings.name;
  out.type = tpl->id;
  out.family = tpl->family;
  out.api_key = settings.api_key;
  out.config = settings.config;
  out.flags = tpl->flags;
  for (const auto& field : tpl->config_fields) {
    const auto* value = settings.config.if_contains(field.key);
    const bool missing =
        !value || value->is_null() || (value->is_string() && value->get_string().empty());
    if (missing && field.required) {
      if (field.default_value.is_null()) {
        return Error::invalid("config." + field.key + " is required for " + tpl->name,
                              "config." + field.key);
      }
      out.config[field.key] = field.default_value;
    } else if (missing && !field.default_value.is_null()) {
      out.config[field.key] = field.default_value;
    }
    if (!field.header.empty() && !missing && value->is_string()) {
      out.extra_headers.emplace_back(field.header, std::string(value->get_string()));
    }
  }
  if (const auto* overrides = getObject(settings.config, "flags")) {
    for (auto [key, member] : {std::pair{"stream_options", &ProviderFlags::stream_options},
                               std::pair{"reasoning_content", &ProviderFlags::reasoning_content},
                               std::pair{"list_models", &ProviderFlags::list_models},
                               std::pair{"completions", &ProviderFlags::completions},
                               std::pair{"embeddings", &ProviderFlags::embeddings}}) {
      if (auto b = getBool(*overrides, key)) {
        out.flags.*member = *b;
      }
    }
    if (auto auth = getStringView(*overrides, "auth_header")) {
      out.flags.auth_header = std::string(*auth);
    }
  }
  if (const auto* headers = settings.config.if_contains("headers");
      headers && !headers->is_null()) {
    if (!headers->is_object()) {
      return Error::invalid("config.headers must be an object of strings", "config.headers");
    }
    for (const auto& [name, value] : headers->get_object()) {
      if (!value.is_string()) {
        return Error::invalid("config.headers." + std::string(name) + " must be a string",
                              "config.headers." + std::string(name));
      }
      out.extra_headers.emplace_back(std::string(name), std::string(value.get_string()));
    }
  }
  auto base =
      fillPlaceholders(settings.base_url.empty() ? tpl->base_url : settings.base_url, out.config);
  if (!base) {
    return base.error();
  }
  while (!base->empty() && base->back() == '/') {
    base->pop_back();
  }
  if (base->empty()) {
    return Error::invalid("base_url is required for provider type '" + tpl->id + "'", "base_url");
  }
  out.base_url = std::move(*base);
  if (tpl->api_key_required && settings.api_key.empty()) {
    return Error::invalid("api_key is required for provider type '" + tpl->id + "'", "api_key");
  }
  return out;
}

}  // namespace gw::providers
