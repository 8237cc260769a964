#include "common.hpp"

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cmath>
#include <cstring>

namespace gw::mock {

Incoming::Incoming(const Request& r, boost::urls::url_view u, ScenarioBook& scenarios)
    : req(r), url(u), scenarios_(scenarios) {
  for (auto seg : url.segments()) {
    segments.push_back(std::move(seg));
  }
  applyHeaders(behaviour, req.base());
}

const json::object* Incoming::body() {
  if (!parsed_) {
    parsed_ = true;
    boost::system::error_code ec;
    json_ = json::parse(req.body(), ec);
    if (ec) {
      json_ = nullptr;
    }
  }
  return json_.if_object();
}

std::string Incoming::model(std::string_view raw) {
  if (raw.find('@') == std::string_view::npos) {
    return std::string(raw);
  }
  Behaviour merged;
  std::string base = applyModelSuffix(merged, raw);
  applyHeaders(merged, req.base());
  behaviour = std::move(merged);
  return base;
}

std::optional<Plan> Incoming::scriptedFailure(ErrorFn error) {
  unsigned status = behaviour.status;
  if (behaviour.fail_times > 0) {
    if (!scenarios_.shouldFail(behaviour.scenario, behaviour.fail_times)) {
      return std::nullopt;
    }
    status = status >= 400 ? status : 500;
    behaviour.fault = Fault::None;
  }
  if (status < 400) {
    return std::nullopt;
  }
  Plan p = error(status, "mock-llm: scripted failure");
  if (!behaviour.retry_after.empty() || status == 429) {
    p.headers.emplace_back("retry-after",
                           behaviour.retry_after.empty() ? "1" : behaviour.retry_after);
  }
  return p;
}

std::string_view Incoming::header(std::string_view name) const {
  auto it = req.find(name);
  return it == req.end() ? std::string_view{} : std::string_view(it->value());
}

std::optional<std::string> Incoming::query(std::string_view key) const {
  auto params = url.params();
  auto it = params.find(key);
  if (it == params.end()) {
    return std::nullopt;
  }
  return std::string((*it).value);
}

std::size_t countWords(std::string_view text) {
  std::size_t n = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
    if (!space && !in_word) {
      ++n;
    }
    in_word = !space;
  }
  return n;
}

std::vector<std::string> splitPieces(std::string_view text, std::size_t n) {
  n = std::max<std::size_t>(n, 1);
  std::vector<std::size_t> starts; // byte offset where each word begins (incl. leading space)
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != ' ' && (i == 0 || text[i - 1] == ' ')) {
      starts.push_back(i == 0 ? 0 : i - 1);
    }
  }
  std::vector<std::size_t> cuts;
  if (starts.size() >= n) {
    for (std::size_t k = 0; k < n; ++k) {
      cuts.push_back(k == 0 ? 0 : starts[k * starts.size() / n]);
    }
  } else {
    n = std::min(n, std::max<std::size_t>(text.size(), 1));
    for (std::size_t k = 0; k < n; ++k) {
      std::size_t at = k * text.size() / n;
      while (at < text.size() && (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80) {
        ++at; // never split a UTF-8 sequence
      }
      cuts.push_back(at);
    }
  }
  std::vector<std::string> out;
  for (std::size_t k = 0; k < cuts.size(); ++k) {
    std::size_t end = k + 1 < cuts.size() ? cuts[k + 1] : text.size();
    if (end > cuts[k] || out.empty()) {
      out.emplace_back(text.substr(cuts[k], end - cuts[k]));
    }
  }
  return out;
}

Reply makeReply(const Conversation& c, const Behaviour& b, std::string_view call_prefix) {
  Reply r;
  r.prompt_tokens = c.prompt_tokens;
  if (c.tool_result) {
    r.text = "The tool said: " + *c.tool_result;
  } else if (!c.first_tool.empty() && c.last_is_user) {
    r.tool_call = true;
    r.tool_name = c.first_tool;
    r.call_id = nextId(call_prefix);
    r.text = std::string(kToolArguments);
    r.pieces = splitPieces(r.text, std::max(b.chunks, 2));
    r.completion_tokens = r.pieces.size();
    return r;
  } else {
    r.text = b.reply ? *b.reply : std::string(kDefaultReply);
  }
  r.pieces = splitPieces(r.text, static_cast<std::size_t>(b.chunks));
  r.completion_tokens = countWords(r.text);
  return r;
}

std::vector<float> embedding(std::string_view text, std::size_t dims) {
  std::uint64_t h = 1469598103934665603ULL; // FNV-1a
  for (char c : text) {
    h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ULL;
  }
  std::vector<float> v(dims);
  double norm = 0;
  for (std::size_t i = 0; i < dims; ++i) {
    std::uint64_t z = h + (i + 1) * 0x9E3779B97F4A7C15ULL; // splitmix64
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    v[i] = static_cast<float>(static_cast<double>(z >> 11) / 9007199254740992.0 * 2.0 - 1.0);
    norm += static_cast<double>(v[i]) * v[i];
  }
  norm = std::sqrt(norm);
  for (auto& x : v) {
    x = norm > 0 ? static_cast<float>(x / norm) : 0.0F;
  }
  return v;
}

json::array toJson(const std::vector<float>& v) {
  json::array a;
  a.reserve(v.size());
  for (float x : v) {
    a.emplace_back(static_cast<double>(x));
  }
  return a;
}

std::string base64Floats(const std::vector<float>& v) {
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string bytes;
  for (float x : v) { // little-endian float32, as the OpenAI SDKs decode it
    auto u = std::bit_cast<std::uint32_t>(x);
    for (int k = 0; k < 4; ++k) {
      bytes.push_back(static_cast<char>((u >> (8 * k)) & 0xFF));
    }
  }
  std::string out;
  for (std::size_t i = 0; i < bytes.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) {
      n |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    }
    if (i + 2 < bytes.size()) {
      n |= static_cast<unsigned char>(bytes[i + 2]);
    }
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? kAlphabet[n & 63] : '=');
  }
  return out;
}

std::string nextId(std::string_view prefix) {
  static std::atomic<std::uint64_t> counter{0};
  char buf[17];
  auto n = counter.fetch_add(1, std::memory_order_relaxed) + 1;
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(n));
  return std::string(prefix) + buf;
}

std::int64_t unixSeconds() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

std::string_view stringAt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view{};
}

const json::array* arrayAt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_array() : nullptr;
}

const json::object* objectAt(const json::object& o, std::string_view key) {
  auto* v = o.if_contains(key);
  return v ? v->if_object() : nullptr;
}

std::string textOf(const json::value& v) {
  if (v.is_string()) {
    return std::string(v.get_string());
  }
  std::string out;
  if (auto* a = v.if_array()) {
    for (const auto& part : *a) {
      if (auto* o = part.if_object(); o && o->contains("text")) {
        out += out.empty() ? "" : " ";
        out += stringAt(*o, "text");
      }
    }
  }
  return out;
}

std::string jsonText(const json::value& v, bool broken) {
  std::string s = json::serialize(v);
  if (broken) {
    s.resize(s.size() / 2);
  }
  return s;
}

std::string sseData(const json::value& v, bool broken, std::string_view sep) {
  std::string s = "data: ";
  s += jsonText(v, broken);
  s += sep;
  return s;
}

std::string sseEvent(std::string_view name, const json::value& v, bool broken) {
  std::string s = "event: ";
  s += name;
  s += '\n';
  s += sseData(v, broken);
  return s;
}

Plan jsonPlan(unsigned status, const json::value& v) {
  Plan p;
  p.status = status;
  p.body = json::serialize(v);
  return p;
}

Plan ssePlan(std::vector<std::string> frames, std::string malformed) {
  Plan p;
  p.streaming = true;
  p.content_type = "text/event-stream";
  p.headers.emplace_back("cache-control", "no-cache");
  p.frames = std::move(frames);
  p.malformed = std::move(malformed);
  return p;
}

} // namespace gw::mock
