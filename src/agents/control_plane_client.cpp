#include "agents/control_plane_client.hpp"

#include "agents/usage_rows.hpp"
#include "http/client/upstream_client.hpp"

namespace gw::agents {

namespace net = boost::asio;

namespace {

Error answerError(std::string what) {
  return Error{ErrorCode::UpstreamError, "control plane: " + std::move(what)};
}

}  // namespace

json::object heartbeatJson(const Heartbeat& h) {
  json::object o;
  o["agent_version"] = h.agent_version;
  o["config_version"] = h.config_version ? json::value(*h.config_version) : json::value(nullptr);
  o["uptime_s"] = h.uptime_s;
  o["inflight"] = h.inflight;
  o["requests"] = h.requests;
  o["errors"] = h.errors;
  o["status"] = h.status;
  return o;
}

Result<VersionedDocument> parseConfigAnswer(std::string_view body) {
  auto o = parseJsonObject(body);
  if (!o) {
    return answerError("config answer is not a JSON object");
  }
  const auto version = getInt(*o, "version");
  const auto* document = getObject(*o, "document");
  if (!version || *version < 1 || !document) {
    return answerError("config answer lacks a positive version or a document object");
  }
  return VersionedDocument{static_cast<std::uint64_t>(*version), *document};
}

ControlPlaneClient::ControlPlaneClient(http::UpstreamClient& http,
                                       ControlPlaneClientOptions options)
    : http_(http), options_(std::move(options)) {}

net::awaitable<Result<providers::UpstreamResponse>> ControlPlaneClient::call(
    std::string method, std::string path, std::string body, std::chrono::milliseconds timeout) {
  providers::UpstreamRequest req;
  req.method = std::move(method);
  req.url = options_.base_url + path;
  req.headers.emplace_back("authorization", "Bearer " + options_.agent_key);
  req.headers.emplace_back("accept", "application/json");
  if (!body.empty()) {
    req.headers.emplace_back("content-type", "application/json");
    req.body = std::move(body);
  }
  auto res = co_await http_.send(req, http::Deadline::after(timeout));
  if (!res) {
    co_return res.error();
  }
  if (res->status == 401) {
    co_return Error{ErrorCode::Unauthorized,
                    "the control plane refused the agent key (unknown, disabled or regenerated)"};
  }
  if (res->status != 304 && (res->status < 200 || res->status > 299)) {
    Error e = answerError("HTTP " + std::to_string(res->status) + " from " + path.substr(0, path.find('?')));
    e.upstream_status = res->status;
    co_return e;
  }
  co_return std::move(*res);
}

net::awaitable<Result<std::optional<VersionedDocument>>> ControlPlaneClient::fetchConfig(
    std::uint64_t known_version) {
  const auto path = "/api/agent/config?version=" + std::to_string(known_version) +
                    "&wait=" + std::to_string(options_.wait.count());
  auto res = co_await call("GET", path, {}, options_.timeout + options_.wait);
  if (!res) {
    co_return res.error();
  }
  if (res->status == 304) {
    co_return std::optional<VersionedDocument>{};
  }
  auto parsed = parseConfigAnswer(res->body);
  if (!parsed) {
    co_return parsed.error();
  }
  co_return std::optional<VersionedDocument>(std::move(*parsed));
}

net::awaitable<Result<std::uint64_t>> ControlPlaneClient::sendHeartbeat(const Heartbeat& h) {
  auto res = co_await call("POST", "/api/agent/heartbeat", json::serialize(heartbeatJson(h)),
                           options_.timeout);
  if (!res) {
    co_return res.error();
  }
  auto o = parseJsonObject(res->body);
  const auto latest = o ? getInt(*o, "config_version") : std::nullopt;
  co_return static_cast<std::uint64_t>(latest && *latest > 0 ? *latest : 0);
}

net::awaitable<Result<std::size_t>> ControlPlaneClient::sendUsage(
    std::span<const observe::UsageRecord> rows) {
  json::array list;
  list.reserve(rows.size());
  for (const auto& r : rows) {
    list.push_back(usageRowToJson(r));
  }
  json::object body;
  body["rows"] = std::move(list);
  auto res = co_await call("POST", "/api/agent/usage", json::serialize(body), options_.timeout);
  if (!res) {
    co_return res.error();
  }
  auto o = parseJsonObject(res->body);
  const auto accepted = o ? getInt(*o, "accepted") : std::nullopt;
  co_return static_cast<std::size_t>(accepted && *accepted > 0 ? *accepted : 0);
}

}  // namespace gw::agents
