#pragma once

#include <optional>
#include <string_view>

#include "core/json.hpp"
#include "presets/preset.hpp"

namespace gw::presets {

/// Our model mode for a LiteLLM mode: "chat" (also "responses"), "embedding", "image"
/// ("image_generation"), "audio" ("audio_transcription", "audio_speech"), "completion".
/// Nothing for modes a gateway model cannot have ("rerank", "moderation", "search", ...).
std::optional<std::string_view> modelMode(std::string_view litellm_mode);

/// Writes the preset into a model patch, using the model fields of docs/api.md:
/// `context_window`, `max_output_tokens`, `input_price`, `output_price`, `cached_input_price`
/// (USD per 1M tokens), `capabilities` {tools, vision, json_mode, reasoning} and `mode`.
/// Fields the preset does not know are left as they are in `model_patch` (never cleared).
/// Pure; the caller stores the patch.
void applyPreset(const Preset& preset, json::object& model_patch);

/// A preset as the admin API shows it: {"name","provider","mode","max_input_tokens",
/// "max_output_tokens","input_price","output_price","cached_input_price","capabilities"};
/// unknown values are null. Callers add "score" for search results.
json::object presetToJson(const Preset& preset);

}  // namespace gw::presets
