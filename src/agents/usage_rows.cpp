#include "agents/usage_rows.hpp"

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

}  // namespace gw::agents
