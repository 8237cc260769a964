#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gw::presets {

/// What a model can do, as LiteLLM flags it.
struct PresetCapabilities {
  bool tools = false;      ///< supports_function_calling or supports_tool_choice
  bool vision = false;     ///< supports_vision
  bool json_mode = false;  ///< supports_response_schema
  bool reasoning = false;  ///< supports_reasoning

  bool operator==(const PresetCapabilities&) const = default;
};

/// One LiteLLM model entry, reduced to the fields a gateway model uses. Prices are USD per
/// million tokens (LiteLLM writes USD per token). Plain data, header-only so the store can keep
/// presets without linking gw_presets.
struct Preset {
  std::string name;      ///< LiteLLM key, e.g. "gpt-4o", "us.anthropic.claude-sonnet-4-5-..."
  std::string provider;  ///< `litellm_provider`, e.g. "openai", "bedrock_converse"
  std::string mode;      ///< LiteLLM's `mode` as written ("chat", "embedding", ...); may be empty
  std::optional<std::int64_t> max_input_tokens;   ///< context window
  std::optional<std::int64_t> max_output_tokens;
  std::optional<double> input_price;              ///< USD per 1M input tokens
  std::optional<double> output_price;             ///< USD per 1M output tokens
  std::optional<double> cached_input_price;       ///< USD per 1M cache-read input tokens
  PresetCapabilities capabilities;

  bool operator==(const Preset&) const = default;
};

}  // namespace gw::presets
