#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/json.hpp"
#include "presets/preset.hpp"
#include "presets/search.hpp"

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

/// A stored model, as far as matching it to a preset needs.
struct ModelRef {
  std::int64_t id = 0;
  std::string name;      ///< public name
  std::string model_id;  ///< upstream id (tried first)
};

/// One model to update: the patch to store (see applyPreset) and the preset it came from.
struct ModelUpdate {
  std::int64_t id = 0;
  std::string preset;  ///< preset name
  double score = 0;
  json::object patch;
};

/// What POST /api/admin/presets/apply-provider will do.
struct ProviderApplyPlan {
  std::vector<ModelUpdate> updates;
  std::vector<std::string> unmatched;  ///< names of models with no close enough preset
};

/// Matches every model of a provider of type `provider_type` with PresetIndex::bestMatch (by
/// `model_id`, then by `name`) and prepares its patch. Pure; the caller writes the patches.
ProviderApplyPlan planProviderApply(const PresetIndex& index, std::string_view provider_type,
                                    const std::vector<ModelRef>& models);

}  // namespace gw::presets
