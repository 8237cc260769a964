#pragma once

#include <functional>
#include <memory>
#include <string>

#include "app/config.hpp"
#include "dataplane/dataplane.hpp"
#include "http/client/upstream_client.hpp"
#include "http/router.hpp"
#include "http/server.hpp"

namespace gw::routing {
class CircuitBreakerRegistry;
}
namespace gw::observe {
class GatewayMetrics;
class MetricsRegistry;
}

namespace gw::app {

// The data-plane wiring shared by `serve` (App) and `agent` (AgentApp): server settings,
// per-loop upstream clients, the health and metrics routes.

/// The HTTP server's settings from the configuration.
http::ServerOptions serverOptions(const Config& config);
/// The shared client TLS context (system CAs plus EXTRA_CA_FILE). Start-up only: throws when a
/// CA file cannot be loaded.
std::shared_ptr<boost::asio::ssl::context> clientTlsContext(const Config& config);
/// Upstream client settings: timeouts from the configuration, proxy from the environment and
/// HTTPS_PROXY.
http::ClientOptions upstreamClientOptions(const Config& config);
/// Deadlines of the /v1 handlers.
dataplane::DataplaneOptions dataplaneOptions(const Config& config);
/// Adds one UpstreamClient per event loop of `server` to `clients` (before the loops run).
void addLoopClients(http::ClientSet& clients, http::Server& server, boost::asio::ssl::context& tls,
                    const http::ClientOptions& options);
/// GET /healthz: 200 {"status":"ok"} while the process serves.
void addHealthRoute(http::Router& router);
/// GET /metrics (Prometheus text); with a non-empty `token`, `Authorization: Bearer <token>`
/// is required. `token` and `registry` must outlive the router.
void addMetricsRoute(http::Router& router, const std::string& token,
                     observe::MetricsRegistry& registry);
/// Feeds gateway_breaker_state from `breakers` (which must outlive `metrics`).
void attachBreakerStates(observe::GatewayMetrics& metrics,
                         const routing::CircuitBreakerRegistry& breakers);

/// The life of the process around an app (serve or agent): sets up logging at `log_level`
/// (2 when the level is unknown), blocks SIGINT/SIGTERM in every thread and ignores SIGPIPE,
/// then calls `start`, which builds and starts the app and returns how to stop it; waits for
/// a signal and stops. 1 when starting or stopping throws. `program` prefixes error lines.
int runUntilSignal(const std::string& program, const std::string& log_level,
                   const std::function<std::function<void()>()>& start);

}  // namespace gw::app
