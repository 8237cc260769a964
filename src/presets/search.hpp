#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "presets/preset.hpp"

namespace gw::presets {

/// One search result. `preset` points into the PresetIndex that produced it and lives as long
/// as that index (hold the index's shared_ptr while using hits).
struct SearchHit {
  const Preset* preset = nullptr;
  double score = 0;  ///< higher is better; see PresetIndex::search for the bands
};

/// Minimum score of a match that is safe to apply without a human looking at it: a normalised
/// match or better (never a substring or fuzzy match).
inline constexpr double kAutoApplyScore = 700;

/// Lower-cases and strips what does not identify a model: provider prefixes ("openai/",
/// "bedrock/us-east-1/", "us.anthropic."), version and date suffixes ("-20241022", "-v2:0",
/// "@001", "-latest") and the separators '-', '_', '.', '/', ':', ' '.
/// "anthropic.claude-3-5-sonnet-20241022-v2:0" -> "claude35sonnet".
std::string normalizeModelName(std::string_view name);

/// Whether a LiteLLM `litellm_provider` matches a filter, which may be a LiteLLM provider
/// ("bedrock_converse"), a family prefix ("vertex_ai") or one of our catalog types
/// ("azure-openai" -> "azure", "bedrock" -> "bedrock"/"bedrock_converse", "gemini", ...).
/// An empty filter matches everything.
bool providerMatches(std::string_view litellm_provider, std::string_view filter);

/// Whether `type` (a catalog id) names providers that LiteLLM lists, i.e. whether a provider
/// filter for it can find anything. False for "custom" and other unknown types.
bool isMappedProviderType(std::string_view type);

/// An immutable, searchable set of presets. Built once per sync and shared through
/// std::shared_ptr<const PresetIndex>.
/// @par Thread Safety
/// Immutable after construction: every const method is safe from any thread.
class PresetIndex {
public:
  explicit PresetIndex(std::vector<Preset> presets);

  std::size_t size() const { return presets_.size(); }
  const std::vector<Preset>& presets() const { return presets_; }
  /// The preset named exactly `name`, or nullptr.
  const Preset* find(std::string_view name) const;

  /// Ranked fuzzy search by model name, best first, at most `limit` (capped at 200) hits.
  /// Bands (score ranges): exact name 1000, exact ignoring case 950, prefix 800-899,
  /// normalised equal 700-799, normalised prefix 600-699, substring 500-599 (550+ at a word
  /// start), normalised substring 400-499, all query words present 300-399, subsequence or
  /// partial word overlap below 300. Within a band, names closer in length to the query rank
  /// first. `provider` filters with providerMatches(). An empty query lists every preset of
  /// the provider, shortest names first.
  std::vector<SearchHit> search(std::string_view query, std::string_view provider = {},
                                std::size_t limit = 20) const;

  /// The preset to apply to a provider's model: the best hit of at least kAutoApplyScore among
  /// presets of `provider_type` (a catalog id; searched among all presets when the type is not
  /// mapped, e.g. "custom"). Nothing when no preset is close enough.
  std::optional<SearchHit> bestMatch(std::string_view model_id,
                                     std::string_view provider_type) const;

private:
  struct Entry {
    std::string lower;       ///< name lower-cased
    std::string normalized;  ///< normalizeModelName(name)
    std::vector<std::string> words;  ///< lower-cased name split at separators
  };
  double score(const Entry& e, const Preset& p, std::string_view q_lower,
               std::string_view q_norm, const std::vector<std::string>& q_words,
               std::string_view q_raw) const;
  double bandScore(const Entry& e, const Preset& p, std::string_view q_lower,
                   std::string_view q_norm, const std::vector<std::string>& q_words,
                   std::string_view q_raw) const;

  std::vector<Preset> presets_;
  std::vector<Entry> entries_;  ///< parallel to presets_
};

}  // namespace gw::presets
