#include "agents/usage_rows.hpp"

#include <cctype>
#include <cstdio>

#include "core/clock.hpp"

namespace gw::agents {

namespace {

json::value optional(const std::optional<std::int64_t>& v) {
  return v ? json::value(*v) : json::value(nullptr);
}

std::string rfc3339Millis(std::chrono::system_clock::time_point t) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch());
  const auto whole = std::chrono::system_clock::time_point(
      std::chrono::duration_cast<std::chrono::seconds>(ms));
  std::string s = formatRfc3339(whole);  // "...:SSZ"
  char frac[8];
  std::snprintf(frac, sizeof frac, ".%03lld", static_cast<long long>(ms.count() % 1000));
  s.insert(s.size() - 1, frac);
  return s;
}

/// parseRfc3339 keeps whole seconds; the log keeps milliseconds, so add the fraction back.
std::chrono::milliseconds fraction(std::string_view time) {
  const auto dot = time.find('.');
  if (dot == std::string_view::npos) {
    return std::chrono::milliseconds(0);
  }
  long long ms = 0;
  std::size_t digits = 0;
  for (std::size_t i = dot + 1; i < time.size() && std::isdigit(static_cast<unsigned char>(time[i]));
       ++i, ++digits) {
    if (digits < 3) {
      ms = ms * 10 + (time[i] - '0');
    }
  }
  for (; digits < 3; ++digits) {
    ms *= 10;
  }
  return std::chrono::milliseconds(ms);
}

/// Reads typed fields of one row, remembering the first problem.
class RowReader {
public:
  explicit RowReader(const json::object& o) : o_(o) {}

  std::string text(std::string_view key, bool required = false) {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null()) {
      if (required) {
        fail(key, "is required");
      }
      return {};
    }
    if (!v->is_string()) {
      fail(key, "must be a string");
      return {};
    }
    return std::string(v->get_string());
  }

  std::optional<std::int64_t> optInt(std::string_view key, std::int64_t min = 0) {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null()) {
      return std::nullopt;
    }
    const auto n = getInt(o_, key);
    if (!n || *n < min) {
      fail(key, "must be an integer >= " + std::to_string(min));
      return std::nullopt;
    }
    return n;
  }

  std::int64_t integer(std::string_view key, std::int64_t min = 0, bool required = false) {
    if (required && !o_.contains(key)) {
      fail(key, "is required");
    }
    return optInt(key, min).value_or(0);
  }

  double number(std::string_view key) {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null()) {
      return 0;
    }
    const auto n = asNumber(*v);
    if (!n || *n < 0) {
      fail(key, "must be a number >= 0");
      return 0;
    }
    return *n;
  }

  bool boolean(std::string_view key) {
    const auto* v = o_.if_contains(key);
    if (!v || v->is_null()) {
      return false;
    }
    if (!v->is_bool()) {
      fail(key, "must be true or false");
      return false;
    }
    return v->get_bool();
  }

  void fail(std::string_view key, const std::string& message) {
    if (!error_) {
      error_ = Error::invalid(std::string(key) + ": " + message, std::string(key));
    }
  }

  const std::optional<Error>& error() const { return error_; }

private:
  const json::object& o_;
  std::optional<Error> error_;
};

}  // namespace

json::object usageRowToJson(const observe::UsageRecord& r) {
  json::object o;
  o["time"] = rfc3339Millis(r.time);
  o["request_id"] = r.request_id;
  o["key_id"] = optional(r.key_id);
  o["key_name"] = r.key_name;
  o["model"] = r.model;
  o["provider_id"] = optional(r.provider_id);
  o["provider_name"] = r.provider_name;
  o["status"] = r.status;
  o["latency_ms"] = r.latency_ms;
  o["ttfb_ms"] = optional(r.ttfb_ms);
  o["overhead_ms"] = r.overhead_ms;
  o["prompt_tokens"] = r.prompt_tokens;
  o["completion_tokens"] = r.completion_tokens;
  o["cached_tokens"] = r.cached_tokens;
  o["cost_usd"] = r.cost_usd;
  o["attempts"] = r.attempts;
  o["route_path"] = r.route_path;
  o["stream"] = r.stream;
  o["error"] = r.error.empty() ? json::value(nullptr) : json::value(r.error);
  o["prompt"] = r.prompt ? json::value(*r.prompt) : json::value(nullptr);
  return o;
}

Result<observe::UsageRecord> usageRowFromJson(const json::value& row) {
  if (!row.is_object()) {
    return Error::invalid("a usage row must be an object");
  }
  RowReader f(row.as_object());
  observe::UsageRecord r;
  const std::string time = f.text("time", true);
  if (!f.error() && !parseRfc3339(time, r.time)) {
    f.fail("time", "must be an RFC 3339 timestamp");
  } else {
    r.time += fraction(time);
  }
  r.request_id = f.text("request_id");
  r.key_id = f.optInt("key_id");
  r.key_name = f.text("key_name");
  r.model = f.text("model", true);
  r.provider_id = f.optInt("provider_id");
  r.provider_name = f.text("provider_name");
  r.status = static_cast<int>(f.integer("status", 100, true));
  if (r.status > 599) {
    f.fail("status", "must be an HTTP status");
  }
  r.latency_ms = f.integer("latency_ms");
  r.ttfb_ms = f.optInt("ttfb_ms");
  r.overhead_ms = f.number("overhead_ms");
  r.prompt_tokens = f.integer("prompt_tokens");
  r.completion_tokens = f.integer("completion_tokens");
  r.cached_tokens = f.integer("cached_tokens");
  r.cost_usd = f.number("cost_usd");
  r.attempts = static_cast<int>(f.optInt("attempts").value_or(1));
  r.route_path = f.text("route_path");
  r.stream = f.boolean("stream");
  r.error = f.text("error");
  if (const auto* p = row.as_object().if_contains("prompt"); p && !p->is_null()) {
    r.prompt = f.text("prompt");
  }
  if (f.error()) {
    return *f.error();
  }
  return r;
}

}  // namespace gw::agents
