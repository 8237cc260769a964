#include "presets/litellm.hpp"

#include <cmath>
#include <optional>

#include "core/json.hpp"

namespace gw::presets {

namespace {

constexpr std::string_view kSampleSpec = "sample_spec";
constexpr double kTokensPerMillion = 1e6;
// Prices are kept to 1e-9 USD per million tokens: enough for any real price, and it turns
// 2.5e-06 * 1e6 = 2.4999999999999996 back into 2.5.
constexpr double kPriceScale = 1e9;

/// A positive whole number; LiteLLM sometimes writes limits as floats (`8192.0`).
std::optional<std::int64_t> readLimit(const json::object& entry, std::string_view key) {
  const auto n = getNumber(entry, key);
  if (!n || !std::isfinite(*n) || *n <= 0 || *n > 1e15) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(std::llround(*n));
}

/// USD per token -> USD per million tokens.
std::optional<double> readPrice(const json::object& entry, std::string_view key) {
  const auto n = getNumber(entry, key);
  if (!n || !std::isfinite(*n) || *n < 0) {
    return std::nullopt;
  }
  return std::round(*n * kTokensPerMillion * kPriceScale) / kPriceScale;
}

bool flag(const json::object& entry, std::string_view key) {
  return getBool(entry, key).value_or(false);
}

Preset toPreset(std::string_view name, const json::object& entry) {
  Preset p;
  p.name = std::string(name);
  p.provider = std::string(getStringView(entry, "litellm_provider").value_or(""));
  p.mode = std::string(getStringView(entry, "mode").value_or(""));
  p.max_input_tokens = readLimit(entry, "max_input_tokens");
  if (!p.max_input_tokens) {
    p.max_input_tokens = readLimit(entry, "max_tokens");  // legacy field
  }
  p.max_output_tokens = readLimit(entry, "max_output_tokens");
  p.input_price = readPrice(entry, "input_cost_per_token");
  p.output_price = readPrice(entry, "output_cost_per_token");
  p.cached_input_price = readPrice(entry, "cache_read_input_token_cost");
  p.capabilities.tools = flag(entry, "supports_function_calling") ||
                         flag(entry, "supports_tool_choice");
  p.capabilities.vision = flag(entry, "supports_vision");
  p.capabilities.json_mode = flag(entry, "supports_response_schema");
  p.capabilities.reasoning = flag(entry, "supports_reasoning");
  return p;
}

}  // namespace

Result<LiteLlmParse> parseLiteLlmDetailed(std::string_view text) {
  auto doc = parseJson(text);
  if (!doc) {
    return Error::invalid("presets file: " + doc.error().message);
  }
  const auto* root = doc->if_object();
  if (!root) {
    return Error::invalid("presets file: the top level must be a JSON object keyed by model name");
  }
  LiteLlmParse out;
  out.presets.reserve(root->size());
  for (const auto& kv : *root) {
    if (kv.key() == kSampleSpec) {
      continue;
    }
    const auto* entry = kv.value().if_object();
    if (!entry || kv.key().empty()) {
      ++out.skipped;
      continue;
    }
    out.presets.push_back(toPreset(kv.key(), *entry));
  }
  if (out.presets.empty()) {
    return Error::invalid("presets file: no model entries found");
  }
  return out;
}

Result<std::vector<Preset>> parseLiteLlm(std::string_view text) {
  auto parsed = parseLiteLlmDetailed(text);
  if (!parsed) {
    return parsed.error();
  }
  return std::move(parsed->presets);
}

}  // namespace gw::presets
