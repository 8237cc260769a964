#include "governance/pricing.hpp"

#include <algorithm>
#include <string_view>

namespace gw::governance {

namespace {

constexpr std::int64_t kCharsPerToken = 4;
constexpr std::int64_t kTokensPerMessage = 4;

/// Keys whose values are binary payloads (base64 images, audio), not text the model reads as
/// tokens at ~4 characters each.
bool isMediaKey(std::string_view key) {
  return key == "image_url" || key == "input_audio" || key == "source" || key == "inline_data" ||
         key == "file";
}

/// Characters of text in `v`, recursively (strings in arrays and objects, media skipped).
std::int64_t textChars(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string: return static_cast<std::int64_t>(v.get_string().size());
    case json::kind::array: {
      std::int64_t n = 0;
      for (const auto& e : v.get_array()) {
        n += textChars(e);
      }
      return n;
    }
    case json::kind::object: {
      std::int64_t n = 0;
      for (const auto& kv : v.get_object()) {
        if (!isMediaKey(kv.key())) {
          n += textChars(kv.value());
        }
      }
      return n;
    }
    default: return 0;
  }
}

}  // namespace

double computeCost(const TokenUsage& usage, const ModelPrices& prices) {
  const auto prompt = std::max<std::int64_t>(0, usage.prompt_tokens);
  const auto cached = std::clamp<std::int64_t>(usage.cached_tokens, 0, prompt);
  const auto completion = std::max<std::int64_t>(0, usage.completion_tokens);
  const double in = prices.input.value_or(0);
  const double out = prices.output.value_or(0);
  const double cachedPrice = prices.cached_input.value_or(in);
  const double micro = static_cast<double>(prompt - cached) * in +
                       static_cast<double>(cached) * cachedPrice +
                       static_cast<double>(completion) * out;
  return micro / 1e6;
}

std::int64_t estimateTokens(const json::object& body) {
  std::int64_t chars = 0;
  std::int64_t overhead = 0;
  for (const char* key : {"messages", "system", "prompt", "input", "tools", "functions"}) {
    if (const auto* v = body.if_contains(key)) {
      chars += textChars(*v);
      if (std::string_view(key) == "messages" && v->is_array()) {
        overhead += kTokensPerMessage * static_cast<std::int64_t>(v->get_array().size());
      }
    }
  }
  std::int64_t completion = 0;
  for (const char* key : {"max_completion_tokens", "max_tokens", "max_output_tokens"}) {
    if (const auto n = getInt(body, key); n && *n > 0) {
      completion = *n;
      break;
    }
  }
  return (chars + kCharsPerToken - 1) / kCharsPerToken + overhead + completion;
}

}  // namespace gw::governance
