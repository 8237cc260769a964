#include "providers/adapter_util.hpp"

#include <bit>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstring>

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

/// One pass over an OpenAI answer or chunk: checks the JSON grammar (RFC 8259, as Boost.JSON's
/// parser with default options, nesting included; string bytes are not checked as UTF-8, as
/// they go to the client unchanged) and reads the facts of OpenAiChunkFacts on the way, with no
/// allocation, DOM or callbacks: about 9 instructions a byte of a typical answer, where Boost's
/// SAX parser took 14. Keys are compared as written: an escaped key ("us\u0061ge") matches
/// nothing.
class FactsScanner {
public:
  explicit FactsScanner(std::string_view body)
      : p_(body.data()), end_(body.data() + body.size()) {}

  /// The facts when `body` is one JSON object; nullopt otherwise.
  std::optional<OpenAiChunkFacts> scan() {
    skipSpace();
    if (p_ == end_ || *p_ != '{' || !value(Role::Top, 0)) {
      return std::nullopt;
    }
    skipSpace();
    if (p_ != end_) {
      return std::nullopt;
    }
    facts_.usage.cached_tokens = has_details_ ? details_cached_ : cache_hit_;
    return facts_;
  }

private:
  /// What a value is to the gateway, from its key and the object holding it.
  enum class Role {
    Other,
    Top,           ///< the document
    Usage,         ///< the top-level "usage"
    Error,         ///< the top-level "error"
    Choices,       ///< the top-level "choices"
    Details,       ///< usage.prompt_tokens_details
    Prompt,        ///< usage.prompt_tokens
    Completion,    ///< usage.completion_tokens
    CacheHit,      ///< usage.prompt_cache_hit_tokens (DeepSeek's older field)
    DetailsCached  ///< usage.prompt_tokens_details.cached_tokens
  };
  /// Boost.JSON's default nesting limit: deeper documents are refused there, so here too.
  static constexpr int kMaxDepth = 32;

  static Role memberRole(Role object, std::string_view key) {
    switch (object) {
      case Role::Top:
        if (key == "usage") {
          return Role::Usage;
        }
        if (key == "error") {
          return Role::Error;
        }
        if (key == "choices") {
          return Role::Choices;
        }
        return Role::Other;
      case Role::Usage:
        if (key == "prompt_tokens") {
          return Role::Prompt;
        }
        if (key == "completion_tokens") {
          return Role::Completion;
        }
        if (key == "prompt_cache_hit_tokens") {
          return Role::CacheHit;
        }
        if (key == "prompt_tokens_details") {
          return Role::Details;
        }
        return Role::Other;
      case Role::Details:
        return key == "cached_tokens" ? Role::DetailsCached : Role::Other;
      default:
        return Role::Other;
    }
  }

  void skipSpace() {
    while (p_ != end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
      ++p_;
    }
  }

  bool value(Role role, int depth) {
    if (p_ == end_) {
      return false;
    }
    switch (*p_) {
      case '{':
        return object(role, depth);
      case '[':
        return array(role, depth);
      case '"': {
        std::string_view ignored;
        valueStarts(role, false);
        return string(ignored);
      }
      case 't':
        valueStarts(role, false);
        return literal("true");
      case 'f':
        valueStarts(role, false);
        return literal("false");
      case 'n':
        valueStarts(role, true);
        return literal("null");
      default:
        valueStarts(role, false);
        return number(role);
    }
  }

  /// Notes what a value's start tells, before a container it opens is read.
  void valueStarts(Role role, bool is_null) {
    if (role == Role::Error && !is_null) {
      facts_.error = true;
    } else if (role == Role::Usage && is_null) {
      facts_.usage_null = true;
    }
  }

  bool object(Role role, int depth) {
    if (depth == kMaxDepth) {
      return false;
    }
    valueStarts(role, false);
    Role members = Role::Other;
    if (role == Role::Top) {
      members = Role::Top;
    } else if (role == Role::Usage && !seen_usage_) {
      seen_usage_ = true;
      facts_.usage.known = true;
      members = Role::Usage;
    } else if (role == Role::Details) {
      has_details_ = true;
      members = Role::Details;
    }
    ++p_;  // '{'
    skipSpace();
    if (p_ != end_ && *p_ == '}') {
      ++p_;
      return true;
    }
    for (;;) {
      std::string_view key;
      if (p_ == end_ || *p_ != '"' || !string(key)) {
        return false;
      }
      skipSpace();
      if (p_ == end_ || *p_ != ':') {
        return false;
      }
      ++p_;
      skipSpace();
      const Role member = members == Role::Other ? Role::Other : memberRole(members, key);
      bool closed = false;
      if (!value(member, depth + 1) || !separator('}', closed)) {
        return false;
      }
      if (closed) {
        return true;
      }
    }
  }

  bool array(Role role, int depth) {
    if (depth == kMaxDepth) {
      return false;
    }
    valueStarts(role, false);
    const bool choices = role == Role::Choices;
    if (choices) {
      facts_.choices = 0;
    }
    ++p_;  // '['
    skipSpace();
    if (p_ != end_ && *p_ == ']') {
      ++p_;
      return true;
    }
    if (choices) {
      facts_.choices = 1;
    }
    for (;;) {
      bool closed = false;
      if (!value(Role::Other, depth + 1) || !separator(']', closed)) {
        return false;
      }
      if (closed) {
        return true;
      }
    }
  }

  /// After a member or element: the closing `close` (then `closed`), or a comma and the space
  /// after it; false on anything else.
  bool separator(char close, bool& closed) {
    skipSpace();
    if (p_ == end_) {
      return false;
    }
    if (*p_ == close) {
      ++p_;
      closed = true;
      return true;
    }
    if (*p_ != ',') {
      return false;
    }
    ++p_;
    skipSpace();
    return true;
  }

  /// A string at p_ (on its opening quote); `raw` gets its text between the quotes, escapes
  /// undecoded.
  bool string(std::string_view& raw) {
    const char* begin = ++p_;
    for (;;) {
      p_ = plainRun(p_, end_);
      if (p_ == end_) {
        return false;
      }
      if (*p_ == '"') {
        raw = std::string_view(begin, static_cast<std::size_t>(p_ - begin));
        ++p_;
        return true;
      }
      if (*p_ != '\\' || ++p_ == end_) {
        return false;  // a raw control character, or a backslash at the end
      }
      switch (*p_) {
        case '"':
        case '\\':
        case '/':
        case 'b':
        case 'f':
        case 'n':
        case 'r':
        case 't':
          ++p_;
          break;
        case 'u':
          if (!unicodeEscape()) {
            return false;
          }
          break;
        default:
          return false;
      }
    }
  }

  /// The end of the run of plain string bytes (no quote, backslash or control character)
  /// starting at `p`: eight bytes a step while eight remain.
  static const char* plainRun(const char* p, const char* end) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ull;
    constexpr std::uint64_t kHigh = 0x8080808080808080ull;
    while (end - p >= 8) {
      std::uint64_t w = 0;
      std::memcpy(&w, p, 8);
      // The high bit of each byte below 0x20, or equal to a quote or a backslash. Bytes from
      // 0x80 (UTF-8) never match: ~w clears them. The lowest hit is exact (a borrow only
      // disturbs bytes above a true hit).
      const std::uint64_t quote = w ^ (kOnes * '"');
      const std::uint64_t backslash = w ^ (kOnes * '\\');
      const std::uint64_t hits =
          ((w - kOnes * 0x20) | (quote - kOnes) | (backslash - kOnes)) & ~w & kHigh;
      if (hits != 0) {
        return p + std::countr_zero(hits) / 8;
      }
      p += 8;
    }
    while (p != end && static_cast<unsigned char>(*p) >= 0x20 && *p != '"' && *p != '\\') {
      ++p;
    }
    return p;
  }

  /// The XXXX of a \uXXXX escape (p_ on the 'u'), with Boost.JSON's surrogate rules: a high
  /// surrogate must be followed by an escaped low one, a lone low one is refused.
  bool unicodeEscape() {
    const auto code = hex4(p_ + 1);
    if (code < 0) {
      return false;
    }
    p_ += 5;
    if (code >= 0xDC00 && code <= 0xDFFF) {
      return false;
    }
    if (code >= 0xD800 && code <= 0xDBFF) {
      if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u') {
        return false;
      }
      const auto low = hex4(p_ + 2);
      if (low < 0xDC00 || low > 0xDFFF) {
        return false;
      }
      p_ += 6;
    }
    return true;
  }

  /// The value of four hex digits at `at`, or -1.
  long hex4(const char* at) const {
    if (end_ - at < 4) {
      return -1;
    }
    long v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = at[i];
      int d = 0;
      if (c >= '0' && c <= '9') {
        d = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        d = c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        d = c - 'A' + 10;
      } else {
        return -1;
      }
      v = v * 16 + d;
    }
    return v;
  }

  bool literal(std::string_view word) {
    if (static_cast<std::size_t>(end_ - p_) < word.size()) {
      return false;
    }
    for (const char c : word) {  // four or five bytes: no call to memcmp
      if (*p_++ != c) {
        return false;
      }
    }
    return true;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  /// A number at p_: '-'? int frac? exp?, where int has no leading zero.
  bool number(Role role) {
    const char* begin = p_;
    if (p_ != end_ && *p_ == '-') {
      ++p_;
    }
    if (p_ == end_ || !digit(*p_)) {
      return false;
    }
    if (*p_ == '0') {
      ++p_;
    } else {
      while (p_ != end_ && digit(*p_)) {
        ++p_;
      }
    }
    bool integral = true;
    if (p_ != end_ && *p_ == '.') {
      integral = false;
      ++p_;
      if (p_ == end_ || !digit(*p_)) {
        return false;
      }
      while (p_ != end_ && digit(*p_)) {
        ++p_;
      }
    }
    if (p_ != end_ && (*p_ == 'e' || *p_ == 'E')) {
      integral = false;
      ++p_;
      if (p_ != end_ && (*p_ == '+' || *p_ == '-')) {
        ++p_;
      }
      if (p_ == end_ || !digit(*p_)) {
        return false;
      }
      while (p_ != end_ && digit(*p_)) {
        ++p_;
      }
    }
    if (role == Role::Prompt || role == Role::Completion || role == Role::CacheHit ||
        role == Role::DetailsCached) {
      store(role, begin, integral);
    }
    return true;
  }

  /// Keeps the number [begin, p_) for `role` when it is a whole number, as getInt reads one:
  /// an int64, or an integral double below 9e18.
  void store(Role role, const char* begin, bool integral) {
    std::int64_t v = 0;
    if (integral) {
      if (std::from_chars(begin, p_, v).ec != std::errc{}) {
        return;  // beyond int64
      }
    } else {
      double d = 0;
      if (std::from_chars(begin, p_, d).ec != std::errc{} || !std::isfinite(d) ||
          d != std::floor(d) || std::fabs(d) >= 9.0e18) {
        return;
      }
      v = static_cast<std::int64_t>(d);
    }
    switch (role) {
      case Role::Prompt:
        facts_.usage.prompt_tokens = v;
        break;
      case Role::Completion:
        facts_.usage.completion_tokens = v;
        break;
      case Role::CacheHit:
        cache_hit_ = v;
        break;
      default:
        details_cached_ = v;
        break;
    }
  }

  const char* p_;
  const char* end_;
  OpenAiChunkFacts facts_;
  bool seen_usage_ = false;
  bool has_details_ = false;
  std::int64_t details_cached_ = 0;
  std::int64_t cache_hit_ = 0;
};

}  // namespace

Result<OpenAiChunkFacts> scanOpenAiChunk(std::string_view body) {
  auto facts = FactsScanner(body).scan();
  if (!facts) {
    return makeError(ErrorCode::UpstreamError, "the provider answered malformed JSON");
  }
  return *facts;
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
