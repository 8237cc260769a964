#pragma once

#include <boost/asio/awaitable.hpp>

#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "agents/state_file.hpp"
#include "core/result.hpp"
#include "observe/request_log_sink.hpp"
#include "providers/provider.hpp"

namespace gw::http {
class UpstreamClient;
}

namespace gw::agents {

struct ControlPlaneClientOptions {
  std::string base_url;   ///< e.g. "https://cp.example.com" (no trailing slash)
  std::string agent_key;  ///< sent as `Authorization: Bearer`; never logged
  std::chrono::seconds wait{25};  ///< long-poll wait asked of the control plane (<= 30)
  /// Bound on heartbeat and usage calls, and on a long poll beyond its `wait`.
  std::chrono::milliseconds timeout{10'000};
};

/// What the agent reports in each heartbeat.
struct Heartbeat {
  std::string agent_version;
  std::optional<std::uint64_t> config_version;  ///< null before any document is loaded
  std::int64_t uptime_s = 0;
  std::int64_t inflight = 0;
  std::int64_t requests = 0;
  std::int64_t errors = 0;
  std::string status = "ok";  ///< "ok", or "degraded" while serving a stale document
};

/// The agent's side of the agent-facing API (docs/agents.md): long poll of the config
/// document, heartbeat, usage upload. Every call carries the agent key.
///
/// Errors: a 401 is ErrorCode::Unauthorized ("the control plane refused the agent key"), any
/// other non-2xx status ErrorCode::UpstreamError with upstream_status set, a malformed answer
/// ErrorCode::UpstreamError, transport failures the UpstreamClient's codes (UpstreamUnavailable,
/// UpstreamTimeout).
/// @par Thread Safety
/// Like the UpstreamClient it uses: calls run on that client's event loop. Several calls may be
/// in flight at once (each takes its own connection). The client must outlive this object.
class ControlPlaneClient {
public:
  ControlPlaneClient(http::UpstreamClient& http, ControlPlaneClientOptions options);

  /// GET /api/agent/config?version=V&wait=S. The new document when the control plane's version
  /// differs from `known_version` (0 = none yet); nullopt when it is unchanged (304).
  boost::asio::awaitable<Result<std::optional<VersionedDocument>>> fetchConfig(
      std::uint64_t known_version);
  /// POST /api/agent/heartbeat; returns the control plane's latest config version.
  boost::asio::awaitable<Result<std::uint64_t>> sendHeartbeat(const Heartbeat& heartbeat);
  /// POST /api/agent/usage {"rows":[...]}; returns how many rows the control plane accepted.
  boost::asio::awaitable<Result<std::size_t>> sendUsage(
      std::span<const observe::UsageRecord> rows);

  const ControlPlaneClientOptions& options() const { return options_; }

private:
  boost::asio::awaitable<Result<providers::UpstreamResponse>> call(std::string method,
                                                                   std::string path,
                                                                   std::string body,
                                                                   std::chrono::milliseconds timeout);

  http::UpstreamClient& http_;
  ControlPlaneClientOptions options_;
};

/// The JSON body of a heartbeat (exposed for tests).
json::object heartbeatJson(const Heartbeat& heartbeat);

/// Parses a 200 answer of GET /api/agent/config: {"version": N >= 1, "document": {...}}.
Result<VersionedDocument> parseConfigAnswer(std::string_view body);

}  // namespace gw::agents
