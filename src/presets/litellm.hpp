#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "core/result.hpp"
#include "presets/preset.hpp"

namespace gw::presets {

/// The outcome of reading a LiteLLM `model_prices_and_context_window.json`.
struct LiteLlmParse {
  std::vector<Preset> presets;  ///< one per model entry, in the file's order
  std::size_t skipped = 0;      ///< entries that are not objects (`sample_spec` is not counted)
};

/// Parses LiteLLM's price file: a JSON object keyed by model name.
///
/// Tolerates the file's quirks: the `sample_spec` documentation entry is skipped, numbers may be
/// written as integers or floats (`8192.0`), unknown fields are ignored, and entries that are not
/// objects are skipped and counted. Prices are converted from USD per token to USD per million
/// tokens. Fails only when the text is not JSON, not an object, or holds no model entry at all
/// (so a truncated or empty download never replaces a good set).
/// @par Thread Safety
/// Pure; safe from any thread.
Result<LiteLlmParse> parseLiteLlmDetailed(std::string_view json);

/// parseLiteLlmDetailed() without the count of skipped entries.
Result<std::vector<Preset>> parseLiteLlm(std::string_view json);

}  // namespace gw::presets
