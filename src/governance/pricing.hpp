#pragma once

#include <cstdint>
#include <optional>

#include "core/json.hpp"

namespace gw::governance {

/// A model's prices in USD per million tokens, as on the model record. Absent prices count
/// as 0; an absent cached-input price falls back to the input price.
struct ModelPrices {
  std::optional<double> input;
  std::optional<double> output;
  std::optional<double> cached_input;
};

/// Token counts of one call. `cached_tokens` are the part of `prompt_tokens` read from a
/// prompt cache (OpenAI `prompt_tokens_details.cached_tokens`, Anthropic cache reads).
struct TokenUsage {
  std::int64_t prompt_tokens = 0;
  std::int64_t completion_tokens = 0;
  std::int64_t cached_tokens = 0;
  std::int64_t total() const { return prompt_tokens + completion_tokens; }
};

/// Cost in USD: cached prompt tokens at the cached price, the rest of the prompt at the input
/// price, completion tokens at the output price. Negative counts count as 0; cached tokens are
/// capped at the prompt tokens.
double computeCost(const TokenUsage& usage, const ModelPrices& prices);

/// Tokens a request may use, for the tokens-per-minute check before the call: about one token
/// per 4 characters of the text it sends (messages' text content, `system`, `prompt`, `input`,
/// tool definitions; image and audio data are not counted) plus 4 per message, plus
/// `max_completion_tokens` or `max_tokens` when given. Works for OpenAI chat, legacy
/// completions, embeddings and Anthropic Messages bodies. Reconcile with the real usage after.
std::int64_t estimateTokens(const json::object& body);

}  // namespace gw::governance
