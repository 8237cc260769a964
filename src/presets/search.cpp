#include "presets/search.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace gw::presets {

namespace {

constexpr std::size_t kMaxLimit = 200;

// Band floors; see PresetIndex::search.
constexpr double kExact = 1000;
constexpr double kExactNoCase = 950;
constexpr double kPrefix = 800;
constexpr double kNormalizedEqual = kAutoApplyScore;
constexpr double kNormalizedPrefix = 600;
constexpr double kSubstring = 500;
constexpr double kNormalizedSubstring = 400;
constexpr double kAllWords = 300;
constexpr double kSomeWords = 100;
constexpr double kBandWidth = 99;

struct Alias {
  std::string_view type;                     ///< our catalog id
  std::array<std::string_view, 3> litellm;   ///< LiteLLM providers (or families) it covers
};

// Our catalog types -> LiteLLM `litellm_provider` values. A LiteLLM name also matches its
// family ("vertex_ai" matches "vertex_ai-language-models").
constexpr std::array<Alias, 27> kAliases{{
    {"openai", {"openai", "text-completion-openai", ""}},
    {"anthropic", {"anthropic", "", ""}},
    {"gemini", {"gemini", "", ""}},
    {"vertex", {"vertex_ai", "", ""}},
    {"vertex-ai", {"vertex_ai", "", ""}},
    {"bedrock", {"bedrock", "bedrock_converse", ""}},
    {"azure-openai", {"azure", "azure_text", ""}},
    {"azure", {"azure", "azure_text", ""}},
    {"azure-ai", {"azure_ai", "", ""}},
    {"deepseek", {"deepseek", "", ""}},
    {"mistral", {"mistral", "", ""}},
    {"groq", {"groq", "", ""}},
    {"xai", {"xai", "", ""}},
    {"openrouter", {"openrouter", "", ""}},
    {"together", {"together_ai", "", ""}},
    {"fireworks", {"fireworks_ai", "", ""}},
    {"cohere", {"cohere", "cohere_chat", ""}},
    {"perplexity", {"perplexity", "", ""}},
    {"ollama", {"ollama", "ollama_chat", ""}},
    {"moonshot", {"moonshot", "", ""}},
    {"qwen", {"dashscope", "", ""}},
    {"dashscope", {"dashscope", "", ""}},
    {"volcengine", {"volcengine", "", ""}},
    {"cerebras", {"cerebras", "", ""}},
    {"deepinfra", {"deepinfra", "", ""}},
    {"nvidia", {"nvidia_nim", "", ""}},
    {"zhipu", {"zai", "", ""}},
}};

// Bedrock cross-region inference profiles ("eu.anthropic.claude-...") cost the same or more
// than the plain or "us."/"global." ids; among otherwise equal hits the plain ones win.
constexpr std::array<std::string_view, 5> kRegionalPrefixes{"apac.", "au.", "eu.", "jp.",
                                                            "us-gov"};
constexpr double kRegionalPenalty = 0.5;

bool isSeparator(char c) {
  return c == '-' || c == '_' || c == '.' || c == '/' || c == ':' || c == ' ' || c == '@';
}

std::string lowerCopy(std::string_view s) {
  std::string out(s);
  for (auto& c : out) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

bool allDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isdigit(static_cast<unsigned char>(c)) != 0;
  });
}

/// Removes one version/date suffix from the end of `s`; false when there is none.
bool stripOneSuffix(std::string& s) {
  const auto ends = [&](std::string_view tail) {
    return s.size() > tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
  };
  for (std::string_view tail : {"-latest", "@latest"}) {
    if (ends(tail)) {
      s.resize(s.size() - tail.size());
      return true;
    }
  }
  // ":0" (Bedrock revision), then "-v2" before it.
  if (const auto colon = s.rfind(':');
      colon != std::string::npos && colon > 0 && allDigits(std::string_view(s).substr(colon + 1))) {
    s.resize(colon);
    if (const auto dash = s.rfind("-v");
        dash != std::string::npos && dash > 0 && allDigits(std::string_view(s).substr(dash + 2))) {
      s.resize(dash);
    }
    return true;
  }
  // "-2024-08-06"
  if (s.size() > 11 && s[s.size() - 11] == '-' && s[s.size() - 6] == '-' &&
      s[s.size() - 3] == '-') {
    const std::string_view d(s);
    if (allDigits(d.substr(s.size() - 10, 4)) && allDigits(d.substr(s.size() - 5, 2)) &&
        allDigits(d.substr(s.size() - 2, 2))) {
      s.resize(s.size() - 11);
      return true;
    }
  }
  // "-20241022", "@20240620", "-0613", "-2402", "@001", "-002"
  const auto sep = s.find_last_of("-@");
  if (sep == std::string::npos || sep == 0) {
    return false;
  }
  const std::string_view digits = std::string_view(s).substr(sep + 1);
  if (!allDigits(digits)) {
    return false;
  }
  const bool date = digits.size() == 8 || digits.size() == 4;
  const bool revision = digits.size() == 3 && digits[0] == '0';
  if (date || revision) {
    s.resize(sep);
    return true;
  }
  return false;
}

/// Strips "us.anthropic." style prefixes: leading segments made only of letters and '-'.
std::string_view stripDottedPrefixes(std::string_view s) {
  for (;;) {
    const auto dot = s.find('.');
    if (dot == std::string_view::npos || dot == 0 || dot + 1 >= s.size()) {
      return s;
    }
    const auto seg = s.substr(0, dot);
    const bool word = std::all_of(seg.begin(), seg.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || c == '-';
    });
    if (!word) {
      return s;
    }
    s.remove_prefix(dot + 1);
  }
}

std::vector<std::string> splitWords(std::string_view lower) {
  std::vector<std::string> words;
  std::string cur;
  for (char c : lower) {
    if (isSeparator(c)) {
      if (!cur.empty()) {
        words.push_back(std::move(cur));
        cur.clear();
      }
    } else {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) {
    words.push_back(std::move(cur));
  }
  return words;
}

bool isSubsequence(std::string_view needle, std::string_view hay) {
  std::size_t i = 0;
  for (char c : hay) {
    if (i < needle.size() && needle[i] == c) {
      ++i;
    }
  }
  return i == needle.size();
}

/// In (0, 1]: 1 when the name is as long as the query.
double closeness(std::size_t query_len, std::size_t name_len) {
  const auto longer = std::max(query_len, name_len);
  return longer == 0 ? 1.0 : static_cast<double>(std::min(query_len, name_len)) /
                                 static_cast<double>(longer);
}

bool familyMatch(std::string_view provider, std::string_view name) {
  if (name.empty()) {
    return false;
  }
  if (provider == name) {
    return true;
  }
  return provider.size() > name.size() && provider.substr(0, name.size()) == name &&
         (provider[name.size()] == '-' || provider[name.size()] == '_');
}

const Alias* findAlias(std::string_view type) {
  for (const auto& a : kAliases) {
    if (a.type == type) {
      return &a;
    }
  }
  return nullptr;
}

}  // namespace

std::string normalizeModelName(std::string_view name) {
  std::string lower = lowerCopy(name);
  std::string_view s = lower;
  if (const auto slash = s.rfind('/'); slash != std::string_view::npos) {
    s.remove_prefix(slash + 1);
  }
  std::string base(stripDottedPrefixes(s));
  while (stripOneSuffix(base)) {
  }
  std::string out;
  out.reserve(base.size());
  for (char c : base) {
    if (!isSeparator(c)) {
      out.push_back(c);
    }
  }
  return out;
}

bool providerMatches(std::string_view litellm_provider, std::string_view filter) {
  if (filter.empty()) {
    return true;
  }
  const std::string f = lowerCopy(filter);
  if (familyMatch(litellm_provider, f)) {
    return true;
  }
  if (const auto* alias = findAlias(f)) {
    return std::any_of(alias->litellm.begin(), alias->litellm.end(),
                       [&](std::string_view n) { return familyMatch(litellm_provider, n); });
  }
  return false;
}

bool isMappedProviderType(std::string_view type) { return findAlias(lowerCopy(type)) != nullptr; }

PresetIndex::PresetIndex(std::vector<Preset> presets) : presets_(std::move(presets)) {
  entries_.reserve(presets_.size());
  for (const auto& p : presets_) {
    Entry e;
    e.lower = lowerCopy(p.name);
    e.normalized = normalizeModelName(p.name);
    e.words = splitWords(e.lower);
    entries_.push_back(std::move(e));
  }
}

const Preset* PresetIndex::find(std::string_view name) const {
  for (const auto& p : presets_) {
    if (p.name == name) {
      return &p;
    }
  }
  return nullptr;
}

double PresetIndex::score(const Entry& e, const Preset& p, std::string_view q_lower,
                          std::string_view q_norm, const std::vector<std::string>& q_words,
                          std::string_view q_raw) const {
  const double s = bandScore(e, p, q_lower, q_norm, q_words, q_raw);
  if (s <= kRegionalPenalty || s >= kExactNoCase) {
    return s;
  }
  const std::string_view base = std::string_view(e.lower).substr(e.lower.rfind('/') + 1);
  const bool regional = std::any_of(kRegionalPrefixes.begin(), kRegionalPrefixes.end(),
                                    [&](std::string_view r) { return base.starts_with(r); });
  return regional ? s - kRegionalPenalty : s;
}

double PresetIndex::bandScore(const Entry& e, const Preset& p, std::string_view q_lower,
                              std::string_view q_norm, const std::vector<std::string>& q_words,
                              std::string_view q_raw) const {
  if (p.name == q_raw) {
    return kExact;
  }
  if (e.lower == q_lower) {
    return kExactNoCase;
  }
  const double near = closeness(q_lower.size(), e.lower.size());
  if (e.lower.starts_with(q_lower)) {
    return kPrefix + kBandWidth * near;
  }
  if (!q_norm.empty()) {
    if (e.normalized == q_norm) {
      return kNormalizedEqual + kBandWidth * near;
    }
    if (e.normalized.starts_with(q_norm)) {
      return kNormalizedPrefix + kBandWidth * closeness(q_norm.size(), e.normalized.size());
    }
  }
  if (const auto pos = e.lower.find(q_lower); pos != std::string::npos) {
    // A match at a word boundary ("openai/gpt-4o") beats one inside a word.
    const bool boundary = pos == 0 || isSeparator(e.lower[pos - 1]);
    return kSubstring + (boundary ? kBandWidth / 2 : 0) + (kBandWidth / 2) * near;
  }
  if (!q_norm.empty() && e.normalized.find(q_norm) != std::string::npos) {
    return kNormalizedSubstring + kBandWidth * closeness(q_norm.size(), e.normalized.size());
  }
  std::size_t matched = 0;
  for (const auto& w : q_words) {
    const bool found = std::any_of(e.words.begin(), e.words.end(),
                                   [&](const std::string& nw) { return nw.starts_with(w); }) ||
                       (w.size() >= 3 && e.lower.find(w) != std::string::npos);
    matched += found ? 1 : 0;
  }
  if (!q_words.empty() && matched == q_words.size()) {
    return kAllWords + kBandWidth * near;
  }
  double best = 0;
  if (matched > 0) {
    const double part = static_cast<double>(matched) / static_cast<double>(q_words.size());
    best = kSomeWords + (kBandWidth - 1) * part * near;
  }
  if (q_norm.size() >= 2 && isSubsequence(q_norm, e.normalized)) {
    best = std::max(best, kBandWidth * closeness(q_norm.size(), e.normalized.size()));
  }
  return best;
}

std::vector<SearchHit> PresetIndex::search(std::string_view query, std::string_view provider,
                                           std::size_t limit) const {
  limit = std::clamp<std::size_t>(limit, 1, kMaxLimit);
  const std::string q_lower = lowerCopy(query);
  const std::string q_norm = normalizeModelName(query);
  const auto q_words = splitWords(q_lower);
  std::vector<SearchHit> hits;
  for (std::size_t i = 0; i < presets_.size(); ++i) {
    const auto& p = presets_[i];
    if (!providerMatches(p.provider, provider)) {
      continue;
    }
    // An empty query lists everything (filtered by provider), ordered by name below.
    const double s = q_lower.empty() ? 1.0 : score(entries_[i], p, q_lower, q_norm, q_words, query);
    if (s > 0) {
      hits.push_back({&p, s});
    }
  }
  const auto better = [](const SearchHit& a, const SearchHit& b) {
    if (a.score != b.score) {
      return a.score > b.score;
    }
    if (a.preset->name.size() != b.preset->name.size()) {
      return a.preset->name.size() < b.preset->name.size();
    }
    return a.preset->name < b.preset->name;
  };
  if (hits.size() > limit) {
    std::partial_sort(hits.begin(), hits.begin() + static_cast<std::ptrdiff_t>(limit), hits.end(),
                      better);
    hits.resize(limit);
  } else {
    std::sort(hits.begin(), hits.end(), better);
  }
  return hits;
}

std::optional<SearchHit> PresetIndex::bestMatch(std::string_view model_id,
                                                std::string_view provider_type) const {
  if (model_id.empty()) {
    return std::nullopt;
  }
  auto hits = search(model_id, provider_type, 1);
  if (!hits.empty() && hits.front().score >= kAutoApplyScore) {
    return hits.front();
  }
  if (!provider_type.empty() && !isMappedProviderType(provider_type)) {
    hits = search(model_id, {}, 1);
    if (!hits.empty() && hits.front().score >= kAutoApplyScore) {
      return hits.front();
    }
  }
  return std::nullopt;
}

}  // namespace gw::presets
