#include "providers/adapter_util.hpp"

#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

#include <boost/json/basic_parser_impl.hpp>

#include "core/crypto.hpp"

namespace gw::providers {

Error makeError(ErrorCode code, std::string message, std::string param) {
  Error e;
  e.code = code;
  e.message = std::move(message);
  e.param = std::move(param);
  return e;
}

std::string indexPath(std::string_view base, std::size_t i) {
  return std::string(base) + "[" + std::to_string(i) + "]";
}

std::string joinUrl(std::string_view base, std::string_view path) {
  while (!base.empty() && base.back() == '/') {
    base.remove_suffix(1);
  }
  std::string url(base);
  url.append(path);
  return url;
}

void appendExtraHeaders(Headers& headers, const ProviderConfig& provider) {
  headers.insert(headers.end(), provider.extra_headers.begin(), provider.extra_headers.end());
}

std::optional<int> retryAfterSeconds(const Headers& headers) {
  if (const auto* ms = findHeader(headers, "retry-after-ms")) {
    double v = 0;
    auto [p, ec] = std::from_chars(ms->data(), ms->data() + ms->size(), v);
    if (ec == std::errc{} && v >= 0) {
      return static_cast<int>(std::ceil(v / 1000.0));
    }
  }
  if (const auto* ra = findHeader(headers, "retry-after")) {
    double v = 0;
    auto [p, ec] = std::from_chars(ra->data(), ra->data() + ra->size(), v);
    if (ec == std::errc{} && p == ra->data() + ra->size() && v >= 0 && v < 1e9) {
      return static_cast<int>(std::ceil(v));
    }
  }
  return std::nullopt;
}

Result<json::object> parseUpstreamJson(std::string_view body) {
  auto parsed = parseJsonObject(body);
  if (!parsed) {
    return makeError(ErrorCode::UpstreamError, "the provider answered malformed JSON");
  }
  return std::move(*parsed);
}

namespace {

bool isTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.' ||
         c == '/' || c == '+' || c == '=' || c == '*';
}

bool looksLikeSecret(std::string_view token) {
  static constexpr std::string_view kPrefixes[] = {"sk-",  "sk_",  "AKIA", "ASIA",  "bce-v3/",
                                                   "AIza", "xai-", "gsk_", "pplx-", "key-"};
  for (auto prefix : kPrefixes) {
    if (token.size() >= prefix.size() + 4 && token.substr(0, prefix.size()) == prefix) {
      return true;
    }
  }
  return false;
}

}  // namespace

std::string redactSecrets(std::string_view message) {
  std::string out;
  out.reserve(message.size());
  std::size_t i = 0;
  bool after_bearer = false;
  while (i < message.size()) {
    if (!isTokenChar(message[i])) {
      out.push_back(message[i++]);
      continue;
    }
    std::size_t j = i;
    while (j < message.size() && isTokenChar(message[j])) {
      ++j;
    }
    const std::string_view token = message.substr(i, j - i);
    if (after_bearer || looksLikeSecret(token)) {
      out.append("***");
    } else {
      out.append(token);
    }
    after_bearer = token == "Bearer" || token == "bearer";
    i = j;
  }
  return out;
}

Error upstreamError(const UpstreamResponse& response, std::string message) {
  Error e = makeError(ErrorCode::UpstreamError, redactSecrets(message));
  e.upstream_status = response.status;
  e.retry_after_seconds = retryAfterSeconds(response.headers);
  return e;
}

Usage usageFromOpenAi(const json::object& usage) {
  Usage u;
  u.prompt_tokens = getInt(usage, "prompt_tokens").value_or(0);
  u.completion_tokens = getInt(usage, "completion_tokens").value_or(0);
  if (const auto* details = getObject(usage, "prompt_tokens_details")) {
    u.cached_tokens = getInt(*details, "cached_tokens").value_or(0);
  } else if (auto hit = getInt(usage, "prompt_cache_hit_tokens")) {
    u.cached_tokens = *hit;  // DeepSeek's older field
  }
  u.known = true;
  return u;
}

namespace {

/// SAX handler for scanOpenAiChunk: follows the nesting depth, reads the numbers of the
/// top-level `usage` object and of its `prompt_tokens_details`, and notes the top-level
/// `error`, a null `usage` and whether `choices` has elements; everything else is skipped.
class UsageScanner {
public:
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  OpenAiChunkFacts facts;
  bool top_is_object = false;

  /// The facts, with the usage as usageFromOpenAi reads it (details' cached_tokens win over
  /// the older field).
  OpenAiChunkFacts result() const {
    OpenAiChunkFacts f = facts;
    f.usage.cached_tokens = has_details_ ? details_cached_ : cache_hit_;
    return f;
  }

  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_object_begin(boost::system::error_code&) {
    valueStarts(false);
    if (depth_ == 0) {
      top_is_object = true;
    } else if (depth_ == 1 && key_ == "usage" && !seen_usage_) {
      in_usage_ = seen_usage_ = true;
      facts.usage.known = true;
    } else if (depth_ == 2 && in_usage_ && key_ == "prompt_tokens_details") {
      in_details_ = has_details_ = true;
    }
    ++depth_;
    return true;
  }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    --depth_;
    if (depth_ == 2) {
      in_details_ = false;
    } else if (depth_ == 1) {
      in_usage_ = false;
    }
    return true;
  }
  bool on_array_begin(boost::system::error_code&) {
    valueStarts(false);
    if (depth_ == 1 && key_ == "choices") {
      in_choices_ = true;
      facts.choices = 0;
    }
    ++depth_;
    return true;
  }
  bool on_array_end(std::size_t, boost::system::error_code&) {
    --depth_;
    if (depth_ == 1) {
      in_choices_ = false;
    }
    return true;
  }
  bool on_key_part(std::string_view s, std::size_t, boost::system::error_code&) {
    if (!key_partial_) {
      key_.clear();
      key_partial_ = true;
    }
    key_.append(s);
    return true;
  }
  bool on_key(std::string_view s, std::size_t, boost::system::error_code&) {
    if (!key_partial_) {
      key_.clear();
    }
    key_partial_ = false;
    key_.append(s);
    return true;
  }
  bool on_string_part(std::string_view, std::size_t, boost::system::error_code&) {
    if (!string_partial_) {
      valueStarts(false);
      string_partial_ = true;
    }
    return true;
  }
  bool on_string(std::string_view, std::size_t, boost::system::error_code&) {
    if (!string_partial_) {
      valueStarts(false);
    }
    string_partial_ = false;
    return true;
  }
  bool on_number_part(std::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t v, std::string_view, boost::system::error_code&) {
    valueStarts(false);
    number(v);
    return true;
  }
  bool on_uint64(std::uint64_t v, std::string_view, boost::system::error_code&) {
    valueStarts(false);
    if (v <= static_cast<std::uint64_t>(INT64_MAX)) {  // as getInt: larger is no number
      number(static_cast<std::int64_t>(v));
    }
    return true;
  }
  bool on_double(double v, std::string_view, boost::system::error_code&) {
    valueStarts(false);
    // getInt accepts integral doubles; so does this.
    if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 9.0e18) {
      number(static_cast<std::int64_t>(v));
    }
    return true;
  }
  bool on_bool(bool, boost::system::error_code&) {
    valueStarts(false);
    return true;
  }
  bool on_null(boost::system::error_code&) {
    valueStarts(true);
    return true;
  }
  bool on_comment_part(std::string_view, boost::system::error_code&) { return true; }
  bool on_comment(std::string_view, boost::system::error_code&) { return true; }

private:
  /// A value begins at the current depth (before a container it opens is counted).
  void valueStarts(bool is_null) {
    if (depth_ == 1) {
      if (key_ == "error" && !is_null) {
        facts.error = true;
      } else if (key_ == "usage" && is_null) {
        facts.usage_null = true;
      }
    } else if (depth_ == 2 && in_choices_) {
      facts.choices = 1;
    }
  }

  void number(std::int64_t v) {
    if (depth_ == 2 && in_usage_) {
      if (key_ == "prompt_tokens") {
        facts.usage.prompt_tokens = v;
      } else if (key_ == "completion_tokens") {
        facts.usage.completion_tokens = v;
      } else if (key_ == "prompt_cache_hit_tokens") {
        cache_hit_ = v;  // DeepSeek's older field
      }
    } else if (depth_ == 3 && in_details_ && key_ == "cached_tokens") {
      details_cached_ = v;
    }
  }

  int depth_ = 0;
  std::string key_;
  bool key_partial_ = false;
  bool string_partial_ = false;
  bool in_choices_ = false;
  bool in_usage_ = false;
  bool seen_usage_ = false;
  bool in_details_ = false;
  bool has_details_ = false;
  std::int64_t details_cached_ = 0;
  std::int64_t cache_hit_ = 0;
};

}  // namespace

Result<OpenAiChunkFacts> scanOpenAiChunk(std::string_view body) {
  boost::json::basic_parser<UsageScanner> parser(boost::json::parse_options{});
  boost::system::error_code ec;
  const std::size_t n = parser.write_some(false, body.data(), body.size(), ec);
  if (ec || n != body.size() || !parser.handler().top_is_object) {
    return makeError(ErrorCode::UpstreamError, "the provider answered malformed JSON");
  }
  return parser.handler().result();
}

Result<Usage> scanOpenAiUsage(std::string_view body) {
  auto facts = scanOpenAiChunk(body);
  if (!facts) {
    return facts.error();
  }
  return facts->usage;
}

void appendMergedTurn(json::array& turns, std::string_view role, std::string_view list_key,
                      json::array items) {
  if (items.empty()) {
    return;
  }
  if (!turns.empty()) {
    auto& last = turns.back().as_object();
    if (last.at("role").as_string() == role) {
      auto& list = last.at(list_key).as_array();
      for (auto& item : items) {
        list.push_back(std::move(item));
      }
      return;
    }
  }
  json::object turn;
  turn["role"] = role;
  turn[list_key] = std::move(items);
  turns.push_back(std::move(turn));
}

json::object usageToOpenAi(const Usage& usage) {
  json::object o;
  o["prompt_tokens"] = usage.prompt_tokens;
  o["completion_tokens"] = usage.completion_tokens;
  o["total_tokens"] = usage.totalTokens();
  if (usage.cached_tokens > 0) {
    o["prompt_tokens_details"] = json::object{{"cached_tokens", usage.cached_tokens}};
  }
  return o;
}

namespace {

// Howard Hinnant's days_from_civil.
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool readInt(std::string_view s, std::size_t pos, std::size_t len, int& out) {
  if (pos + len > s.size()) {
    return false;
  }
  auto [p, ec] = std::from_chars(s.data() + pos, s.data() + pos + len, out);
  return ec == std::errc{} && p == s.data() + pos + len;
}

}  // namespace

std::optional<std::int64_t> parseRfc3339(std::string_view text) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0, sec = 0;
  if (text.size() < 20 || !readInt(text, 0, 4, y) || text[4] != '-' || !readInt(text, 5, 2, mo) ||
      text[7] != '-' || !readInt(text, 8, 2, d) || (text[10] != 'T' && text[10] != 't') ||
      !readInt(text, 11, 2, h) || text[13] != ':' || !readInt(text, 14, 2, mi) || text[16] != ':' ||
      !readInt(text, 17, 2, sec) || mo < 1 || mo > 12 || d < 1 || d > 31) {
    return std::nullopt;
  }
  return daysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 86400 + h * 3600 +
         mi * 60 + sec;
}

std::optional<std::string> openAiErrorMessage(const json::value& body) {
  if (!body.is_object()) {
    return std::nullopt;
  }
  const auto& o = body.get_object();
  if (const auto* err = o.if_contains("error")) {
    if (err->is_string()) {
      return std::string(err->get_string());
    }
    if (err->is_object()) {
      if (auto m = getStringView(err->get_object(), "message")) {
        return std::string(*m);
      }
    }
  }
  for (const char* key : {"message", "detail", "msg"}) {
    if (auto m = getStringView(o, key)) {
      return std::string(*m);
    }
  }
  return std::nullopt;
}

void applyEmbeddingEncoding(const json::object& request, json::object& embedding_list) {
  static_assert(std::endian::native == std::endian::little, "float32 bytes are little-endian");
  const auto format = getStringView(request, "encoding_format");
  auto* data = embedding_list.if_contains("data");
  if (!format || *format != "base64" || !data || !data->is_array()) {
    return;
  }
  for (auto& item : data->get_array()) {
    auto* embedding = item.is_object() ? item.get_object().if_contains("embedding") : nullptr;
    if (!embedding || !embedding->is_array()) {
      continue;
    }
    std::string bytes;
    bytes.reserve(embedding->get_array().size() * sizeof(float));
    for (const auto& v : embedding->get_array()) {
      const float f = v.is_number() ? static_cast<float>(v.to_number<double>()) : 0.0F;
      char raw[sizeof(float)];
      std::memcpy(raw, &f, sizeof(float));
      bytes.append(raw, sizeof(float));
    }
    *embedding = crypto::base64Encode(bytes);
  }
}

Result<void> SseStreamTranslator::onData(std::string_view bytes, std::vector<json::object>& out) {
  std::vector<http::sse::SseEvent> events;
  if (auto r = parser_.feed(bytes, events); !r) {
    return r.error();
  }
  return handleEvents(events, out);
}

Result<void> SseStreamTranslator::onEnd(std::vector<json::object>& out) {
  std::vector<http::sse::SseEvent> events;
  parser_.finish(events);
  if (auto r = handleEvents(events, out); !r) {
    return r;
  }
  return onStreamEnd(out);
}

}  // namespace gw::providers
