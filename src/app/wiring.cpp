#include "app/wiring.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <pthread.h>

#include <csignal>
#include <iostream>

#include "core/json.hpp"
#include "core/log.hpp"
#include "http/client/client_set.hpp"
#include "observe/gateway_metrics.hpp"
#include "observe/metrics.hpp"
#include "routing/health.hpp"

namespace gw::app {

http::ServerOptions serverOptions(const Config& c) {
  http::ServerOptions so;
  so.host = c.host;
  so.port = c.port;
  so.threads = c.threads;
  so.max_body_bytes = c.max_body_bytes;
  so.max_header_bytes = c.max_header_bytes;
  so.header_timeout = c.header_timeout;
  so.body_timeout = c.body_timeout;
  so.idle_timeout = c.idle_timeout;
  so.shutdown_grace = c.shutdown_grace;
  so.access_log = c.log_level == "debug" || c.log_level == "trace" || c.log_level == "info";
  return so;
}

std::shared_ptr<boost::asio::ssl::context> clientTlsContext(const Config& c) {
  http::TlsClientOptions t;
  t.extra_ca_file = c.extra_ca_file;
  return http::makeClientTlsContext(t);
}

http::ClientOptions upstreamClientOptions(const Config& config) {
  http::ClientOptions co;
  co.connect_timeout = config.upstream_connect_timeout;
  co.first_byte_timeout = config.upstream_first_byte_timeout;
  co.idle_timeout = config.upstream_idle_timeout;
  http::applyProxyEnvironment(co);
  if (!config.https_proxy.empty()) {
    co.https_proxy = config.https_proxy;
  }
  return co;
}

dataplane::DataplaneOptions dataplaneOptions(const Config& config) {
  dataplane::DataplaneOptions o;
  o.request_deadline = config.request_deadline;
  o.first_byte_timeout = config.upstream_first_byte_timeout;
  o.idle_timeout = config.upstream_idle_timeout;
  return o;
}

void addLoopClients(http::ClientSet& clients, http::Server& server, boost::asio::ssl::context& tls,
                    const http::ClientOptions& options) {
  for (std::size_t i = 0; i < server.loopCount(); ++i) {
    clients.add(std::make_unique<http::UpstreamClient>(server.loop(i).get_executor(), tls, options));
  }
}

void addHealthRoute(http::Router& router) {
  router.add("GET", "/healthz", [](http::RequestContext& rc) -> http::net::awaitable<void> {
    const json::object body{{"status", "ok"}};
    co_await rc.sendJson(200, body);
  });
}

void addMetricsRoute(http::Router& router, const std::string& token,
                     observe::MetricsRegistry& registry) {
  router.add("GET", "/metrics",
             [&token, &registry](http::RequestContext& rc) -> http::net::awaitable<void> {
               if (!token.empty() &&
                   !observe::metricsAuthorized(rc.header("authorization"), token)) {
                 rc.addHeader("www-authenticate", "Bearer");
                 const json::object body{{"error", json::object{{"code", "unauthorized"},
                                                                {"message", "metrics token required"}}}};
                 co_await rc.sendJson(401, body);
                 co_return;
               }
               co_await rc.send(200, registry.render(), observe::MetricsRegistry::kContentType);
             });
}

void attachBreakerStates(observe::GatewayMetrics& metrics,
                         const routing::CircuitBreakerRegistry& breakers) {
  metrics.setBreakerSource([&breakers] {
    std::vector<observe::GatewayMetrics::BreakerState> out;
    for (const auto& e : breakers.toJson()) {
      const auto& o = e.as_object();
      const auto state = getStringView(o, "state").value_or("closed");
      out.push_back({std::string(getStringView(o, "key").value_or("")),
                     state == "open" ? 2.0 : state == "half_open" ? 1.0 : 0.0});
    }
    return out;
  });
}

int runUntilSignal(const std::string& program, const std::string& log_level,
                   const std::function<std::function<void()>()>& start) {
  if (!log::setup(log_level)) {
    std::cerr << program << ": configuration error: LOG_LEVEL: unknown level\n";
    return 2;
  }
  // Block the signals in every thread (none runs yet); this one waits for them below.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    const auto stop = start();
    int sig = 0;
    sigwait(&set, &sig);
    GW_LOG_INFO("shutting down{}", log::kv("signal", static_cast<long long>(sig)));
    stop();
    GW_LOG_INFO("stopped");
  } catch (const std::exception& e) {
    GW_LOG_ERROR("fatal{}", log::kv("error", e.what()));
    return 1;
  }
  return 0;
}

}  // namespace gw::app
