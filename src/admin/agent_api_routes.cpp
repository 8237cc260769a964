#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/beast/core/string.hpp>

#include <charconv>
#include <fstream>
#include <limits>

#include "admin/agent_routes.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "dataplane/agent_forward.hpp"
#include "dataplane/snapshot.hpp"
#include "store/sqlite/request_log_store.hpp"

// The agent-facing API (docs/api.md "Agent API"). Every route authenticates the caller by its
// agent key (Bearer agk-...): an unknown key, a regenerated one or a disabled agent gets 401.
// JWTs are never accepted here, and agent keys are never accepted under /api/admin (the JWT
// check refuses them).

namespace gw::admin {

namespace {

constexpr std::int64_t kDefaultWaitSeconds = 25;
constexpr std::int64_t kMaxWaitSeconds = 30;
/// How often a waiting long poll looks at the snapshot version (an atomic load).
constexpr std::chrono::milliseconds kPollInterval{200};
constexpr std::size_t kMaxUsageRows = 1000;
constexpr std::size_t kMaxText = 1000;
constexpr std::size_t kMaxPrompt = 1'000'000;
constexpr std::int64_t kMaxCount = std::numeric_limits<std::int64_t>::max();
constexpr std::size_t kBinaryChunk = 256 * 1024;

/// The agent behind a Bearer agent key, if the key is known and the agent enabled.
std::optional<store::AgentRow> agentByKey(AdminDeps& d, const std::string& key) {
  auto row = d.store.agents().findByKeyHash(crypto::sha256Hex(key));
  if (!row || !row->enabled) {
    return std::nullopt;
  }
  return row;
}

/// Authenticates the request; sends 401 and returns nullopt when it fails.
net::awaitable<std::optional<store::AgentRow>> authenticate(AdminDeps& d, RequestContext& rc) {
  const std::string_view authz = rc.header("authorization");
  constexpr std::string_view kBearer = "Bearer ";
  std::string key;
  if (authz.size() > kBearer.size() &&
      boost::beast::iequals(authz.substr(0, kBearer.size()), kBearer)) {
    key = std::string(authz.substr(kBearer.size()));
  }
  std::optional<store::AgentRow> agent;
  if (key.starts_with(kAgentKeyPrefix)) {
    agent = co_await d.pool.run([&] { return agentByKey(d, key); });
  }
  if (!agent) {
    const Error refused{ErrorCode::Unauthorized, "a valid agent key is required"};
    co_await sendError(rc, refused);
    co_return std::nullopt;
  }
  rc.logField("agent", agent->name);
  co_return agent;
}

/// Authenticates the request and reads its JSON object body; nullopt after answering 401/400.
net::awaitable<std::optional<std::pair<store::AgentRow, json::object>>> authenticatedBody(
    AdminDeps& d, RequestContext& rc) {
  auto agent = co_await authenticate(d, rc);
  if (!agent) {
    co_return std::nullopt;
  }
  auto body = co_await readJsonBody(rc);
  if (!body) {
    co_return std::nullopt;
  }
  co_return std::make_pair(std::move(*agent), std::move(*body));
}

/// An unsigned integer query parameter, `fallback` when absent; nullopt when malformed.
std::optional<std::int64_t> queryInt(const RequestContext& rc, std::string_view name,
                                     std::int64_t fallback) {
  const auto text = rc.queryParam(name);
  if (text.empty()) {
    return fallback;
  }
  std::int64_t v = 0;
  const auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || v < 0) {
    return std::nullopt;
  }
  return v;
}

/// {"version":N,"document":{...}} without re-serialising the document.
std::string configAnswer(const dataplane::Snapshot& snap) {
  std::string out = "{\"version\":" + std::to_string(snap.version) + ",\"document\":";
  out += snap.document ? *snap.document : std::string("{}");
  out += "}";
  return out;
}

net::awaitable<void> configRoute(AdminDeps& d, RequestContext& rc) {
  auto agent = co_await authenticate(d, rc);
  if (!agent) {
    co_return;
  }
  const auto known = queryInt(rc, "version", 0);
  const auto wait = queryInt(rc, "wait", kDefaultWaitSeconds);
  if (!known || !wait) {
    std::vector<http::FieldError> details;
    if (!known) {
      details.push_back({"version", "must be a non-negative integer"});
    }
    if (!wait) {
      details.push_back({"wait", "must be a non-negative integer (seconds)"});
    }
    co_await sendInvalid(rc, details);
    co_return;
  }
  // Waits on this loop with a timer, checking the published version: no blocking-pool thread
  // is held, and a publish is seen within kPollInterval.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(std::min(*wait, kMaxWaitSeconds));
  net::steady_timer timer(co_await net::this_coro::executor);
  http::ClientWatch watch(rc);  // an agent that hangs up ends the wait at once
  while (d.snapshots.version() == static_cast<std::uint64_t>(*known)) {
    if (rc.clientLeft()) {
      co_return;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) {
      co_await rc.send(304, std::string(), "application/json");
      co_return;
    }
    timer.expires_after(
        std::min<std::chrono::steady_clock::duration>(kPollInterval, deadline - now));
    co_await timer.async_wait(net::as_tuple(net::use_awaitable));
  }
  const auto snap = d.snapshots.current();
  co_await rc.send(200, configAnswer(*snap), "application/json");
}

/// Reads a heartbeat body into `beat`; field problems go to the returned list.
std::vector<http::FieldError> readHeartbeat(const json::object& body, store::AgentHeartbeat& beat) {
  FieldReader f(body);
  beat.agent_version = f.string("agent_version", 100);
  if (auto v = f.integer("config_version", 0, kMaxCount)) {
    beat.config_version = v;
  }
  for (const char* counter : {"uptime_s", "inflight", "requests", "errors"}) {
    beat.stats[counter] = f.integer(counter, 0, kMaxCount).value_or(0);
  }
  if (auto status = f.string("status", 100)) {
    beat.stats["status"] = *status;
  }
  beat.latency_ms = f.number("latency_ms", 0, 1e9);
  return f.errors();
}

json::object heartbeatAnswer(AdminDeps& d) {
  json::object out;
  out["config_version"] = d.snapshots.version();
  return out;
}

bool recordHeartbeat(AdminDeps& d, std::int64_t id, const store::AgentHeartbeat& beat) {
  return d.store.agents().recordHeartbeat(id, beat);
}

net::awaitable<void> heartbeatRoute(AdminDeps& d, RequestContext& rc) {
  auto call = co_await authenticatedBody(d, rc);
  if (!call) {
    co_return;
  }
  store::AgentHeartbeat beat;
  const auto errors = readHeartbeat(call->second, beat);
  if (!errors.empty()) {
    co_await sendInvalid(rc, errors);
    co_return;
  }
  beat.seen_at = formatRfc3339(d.clock.now());
  beat.remote_addr = rc.remoteAddress().to_string();
  const std::int64_t id = call->first.id;
  co_await d.pool.run([&] { return recordHeartbeat(d, id, beat); });
  d.agent_liveness.seen(id, call->first.key_hash);
  const auto answer = heartbeatAnswer(d);
  co_await rc.sendJson(200, answer);
}

/// One usage row (the log fields of docs/api.md "Logs"), problems recorded under `path`.
store::UsageRecord readUsageRow(const json::value& v, const std::string& path,
                                std::vector<http::FieldError>& errors) {
  store::UsageRecord r;
  if (!v.is_object()) {
    errors.push_back({path, "must be an object"});
    return r;
  }
  FieldReader f(v.get_object());
  const auto time = f.string("time", 64, true);
  if (time && !parseRfc3339(*time, r.time)) {
    f.fail("time", "must be an RFC 3339 timestamp");
  }
  r.request_id = f.string("request_id", 200).value_or("");
  r.key_id = f.integer("key_id", 1, kMaxCount);
  r.key_name = f.string("key_name", kMaxText).value_or("");
  r.model = f.string("model", kMaxText, true).value_or("");
  r.provider_id = f.integer("provider_id", 1, kMaxCount);
  r.provider_name = f.string("provider_name", kMaxText).value_or("");
  r.status = static_cast<int>(f.integer("status", 100, 599).value_or(0));
  if (!f.has("status")) {
    f.fail("status", "is required");
  }
  r.latency_ms = f.integer("latency_ms", 0, kMaxCount).value_or(0);
  r.ttfb_ms = f.integer("ttfb_ms", 0, kMaxCount);
  r.overhead_ms = f.number("overhead_ms", 0, 1e12).value_or(0);
  r.prompt_tokens = f.integer("prompt_tokens", 0, kMaxCount).value_or(0);
  r.completion_tokens = f.integer("completion_tokens", 0, kMaxCount).value_or(0);
  r.cached_tokens = f.integer("cached_tokens", 0, kMaxCount).value_or(0);
  r.cost_usd = f.number("cost_usd", 0, 1e9).value_or(0);
  r.attempts = static_cast<int>(f.integer("attempts", 0, 1000).value_or(1));
  r.route_path = f.string("route_path", kMaxText).value_or("");
  r.stream = f.boolean("stream").value_or(false);
  r.error = f.string("error", kMaxText * 10).value_or("");
  r.prompt = f.string("prompt", kMaxPrompt);
  for (const auto& e : f.errors()) {
    errors.push_back({path + "." + e.path, e.message});
  }
  return r;
}

Result<void> insertUsage(AdminDeps& d, const std::vector<store::UsageRecord>& rows) {
  return d.logs.insertBatch(rows);
}

net::awaitable<void> usageRoute(AdminDeps& d, RequestContext& rc) {
  auto call = co_await authenticatedBody(d, rc);
  if (!call) {
    co_return;
  }
  const store::AgentRow& agent = call->first;
  const json::object& body = call->second;
  std::vector<http::FieldError> errors;
  std::vector<store::UsageRecord> rows;
  const auto* list = getArray(body, "rows");
  if (!list) {
    errors.push_back({"rows", "must be an array"});
  } else if (list->size() > kMaxUsageRows) {
    errors.push_back({"rows", "at most " + std::to_string(kMaxUsageRows) + " rows per batch"});
  } else {
    rows.reserve(list->size());
    for (std::size_t i = 0; i < list->size(); ++i) {
      rows.push_back(readUsageRow((*list)[i], "rows[" + std::to_string(i) + "]", errors));
      rows.back().agent = agent.name;
    }
  }
  if (!errors.empty()) {
    co_await sendInvalid(rc, errors);
    co_return;
  }
  auto written = co_await d.pool.run([&] { return insertUsage(d, rows); });
  if (!written) {
    co_await sendError(rc, written.error());
    co_return;
  }
  json::object answer;
  answer["accepted"] = rows.size();
  co_await rc.sendJson(202, answer);
}

/// The next piece of `file` (empty at the end or on a read error).
std::string readPiece(std::ifstream& file) {
  std::string piece(kBinaryChunk, '\0');
  file.read(piece.data(), static_cast<std::streamsize>(piece.size()));
  piece.resize(static_cast<std::size_t>(file.gcount()));
  return piece;
}

bool openBinary(std::ifstream& file, const std::string& path) {
  file.open(path, std::ios::binary);
  return file.is_open();
}

/// Streams the executable in kBinaryChunk pieces, each read on the blocking pool.
net::awaitable<void> binaryRoute(AdminDeps& d, RequestContext& rc, const std::string& path) {
  auto agent = co_await authenticate(d, rc);
  if (!agent) {
    co_return;
  }
  std::ifstream file;
  const bool opened = co_await d.pool.run([&] { return openBinary(file, path); });
  if (!opened) {
    co_await sendError(rc, Error::internal("the executable cannot be read"));
    co_return;
  }
  GW_LOG_INFO("agent downloads the binary{}", log::kv("agent", agent->name));
  rc.addHeader("content-disposition", "attachment; filename=\"llm-gateway\"");
  // Awaited into locals: GCC 12 miscompiles `co_await` in an `if` condition (SIGILL).
  const bool begun = co_await rc.beginStream(200, "application/octet-stream");
  if (!begun) {
    co_return;
  }
  for (;;) {
    auto piece = co_await d.pool.run([&] { return readPiece(file); });
    if (piece.empty()) {
      break;
    }
    const bool written = co_await rc.writeChunk(piece);
    if (!written) {
      co_return;
    }
  }
  co_await rc.endStream();
}

}  // namespace

void registerAgentApiRoutes(http::Router& r, AdminDeps& d, std::string executable) {
  auto exe = std::make_shared<const std::string>(std::move(executable));
  r.add("GET", "/api/agent/config", unguarded([&d](RequestContext& rc) -> net::awaitable<void> {
          co_await configRoute(d, rc);
        }));
  r.add("POST", "/api/agent/heartbeat", unguarded([&d](RequestContext& rc) -> net::awaitable<void> {
          co_await heartbeatRoute(d, rc);
        }));
  r.add("POST", "/api/agent/usage", unguarded([&d](RequestContext& rc) -> net::awaitable<void> {
          co_await usageRoute(d, rc);
        }));
  r.add("GET", "/api/agent/binary",
        unguarded([&d, exe](RequestContext& rc) -> net::awaitable<void> {
          co_await binaryRoute(d, rc, *exe);
        }));
}

}  // namespace gw::admin
