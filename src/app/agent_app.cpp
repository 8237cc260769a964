#include "app/agent_app.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <iostream>

#include "agents/agent_sync.hpp"
#include "app/app.hpp"
#include "app/wiring.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "dataplane/snapshot.hpp"
#include "governance/key_guard.hpp"
#include "http/client/client_set.hpp"
#include "observe/gateway_metrics.hpp"
#include "observe/metrics.hpp"
#include "observe/usage_log_writer.hpp"
#include "routing/health.hpp"

namespace gw::app {

namespace {

/// The process settings an agent shares with `serve`; the rest keep their defaults.
Config nodeConfig(const agents::AgentConfig& a) {
  Config c;
  c.host = a.host;
  c.port = a.port;
  c.threads = a.threads;
  c.log_level = a.log_level;
  c.extra_ca_file = a.extra_ca_file;
  return c;
}

/// The control plane's client: a long poll holds its answer for up to `wait`, so the first
/// byte may take that long.
http::ClientOptions controlPlaneClientOptions(const Config& c,
                                              const agents::ControlPlaneClientOptions& cp) {
  http::ClientOptions co = upstreamClientOptions(c);
  co.first_byte_timeout = cp.wait + cp.timeout;
  co.max_response_bytes = std::size_t{256} << 20;
  return co;
}

agents::ControlPlaneClientOptions controlPlaneOptions(const agents::AgentConfig& a) {
  agents::ControlPlaneClientOptions o;
  o.base_url = a.control_plane_url;
  o.agent_key = a.agent_key;
  return o;
}

observe::UsageLogWriterOptions writerOptions() {
  observe::UsageLogWriterOptions o;
  o.retention_days = 0;  // nothing is kept locally
  return o;
}

Result<void> publish(dataplane::SnapshotService& snapshots, const json::object& document) {
  auto published = snapshots.publishDocument(document);
  if (!published) {
    return published.error();
  }
  return {};
}

}  // namespace

struct AgentApp::Impl {
  explicit Impl(agents::AgentConfig a)
      : agent(std::move(a)),
        config(nodeConfig(agent)),
        cp_options(controlPlaneOptions(agent)),
        tls(clientTlsContext(config)),
        breakers(clock),
        guard(clock),
        metrics(registry),
        server(serverOptions(config), router),
        state(agent.state_dir, agent.agent_key),
        cp_http(server.loop(0).get_executor(), *tls, controlPlaneClientOptions(config, cp_options)),
        control_plane(cp_http, cp_options),
        sync(server.loop(0).get_executor(), control_plane, pool, state, usage, random, hooks()),
        log_writer(usage, clock, writerOptions()),
        dataplane_deps{snapshots, clients, guard, breakers, metrics, log_writer, clock,
                       dataplaneOptions(config), log_prompts} {
    // Recognises the control plane's forwards (their usage is logged there, not uploaded
    // from here) and never forwards itself.
    dataplane_deps.forwarding.token_key = crypto::sha256Hex(agent.agent_key);
  }

  agents::AgentSyncHooks hooks() {
    agents::AgentSyncHooks h;
    h.apply = [this](const json::object& document) { return publish(snapshots, document); };
    h.stats = [this] {
      agents::Heartbeat hb;
      hb.agent_version = kVersion;
      hb.uptime_s = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::steady_clock::now() - started_at)
                        .count();
      hb.inflight = server.activeConnections();
      hb.requests = static_cast<std::int64_t>(usage.requests() + log_writer.dropped());
      hb.errors = static_cast<std::int64_t>(usage.errors());
      return hb;
    };
    return h;
  }

  void buildRoutes() {
    addHealthRoute(router);
    router.add("GET", "/readyz", [this](http::RequestContext& rc) -> http::net::awaitable<void> {
      const auto version = sync.configVersion();
      json::object body;
      body["status"] = version != 0 ? "ready" : "not_ready";
      body["config_version"] = version != 0 ? json::value(version) : json::value(nullptr);
      body["control_plane"] = sync.connected() ? "connected" : "unreachable";
      co_await rc.sendJson(version != 0 ? 200 : 503, body);
    });
    addMetricsRoute(router, config.metrics_token, registry);
    dataplane::registerDataplaneRoutes(router, dataplane_deps);
  }

  agents::AgentConfig agent;
  Config config;
  agents::ControlPlaneClientOptions cp_options;
  SystemClock clock;
  DefaultRandom random;
  std::chrono::steady_clock::time_point started_at = std::chrono::steady_clock::now();
  std::shared_ptr<boost::asio::ssl::context> tls;
  dataplane::SnapshotService snapshots;
  routing::CircuitBreakerRegistry breakers;
  governance::KeyGuard guard;
  observe::MetricsRegistry registry;
  observe::GatewayMetrics metrics;
  agents::UsageQueue usage;
  http::Router router;
  http::Server server;
  http::ClientSet clients;
  // After the server: destroyed before it, so nothing outlives the event loop it uses.
  BlockingPool pool{1};
  agents::StateFile state;
  http::UpstreamClient cp_http;
  agents::ControlPlaneClient control_plane;
  agents::AgentSync sync;
  // After the sync: its thread, which wakes the sync, stops first.
  observe::UsageLogWriter log_writer;
  std::atomic<bool> log_prompts{false};
  dataplane::DataplaneDeps dataplane_deps;
  bool started = false;
};

AgentApp::AgentApp(agents::AgentConfig config) {
  crypto::initSodium();
  impl_ = std::make_unique<Impl>(std::move(config));
}

AgentApp::~AgentApp() {
  if (impl_ && impl_->started) {
    stop();
  }
}

void AgentApp::start() {
  auto& i = *impl_;
  i.sync.loadState();
  i.metrics.attachLogWriter(i.log_writer);
  attachBreakerStates(i.metrics, i.breakers);
  addLoopClients(i.clients, i.server, *i.tls, upstreamClientOptions(i.config));
  i.buildRoutes();
  i.server.bind();
  i.server.start();
  i.sync.start();
  i.started = true;
  GW_LOG_INFO("agent listening{}{}{}{}{}", log::kv("host", i.config.host),
              log::kv("port", static_cast<long long>(i.server.port())),
              log::kv("threads", static_cast<long long>(i.server.loopCount())),
              log::kv("control_plane", i.agent.control_plane_url),
              log::kv("region", i.agent.region));
}

unsigned short AgentApp::port() const { return impl_->server.port(); }

std::uint64_t AgentApp::configVersion() const { return impl_->sync.configVersion(); }

void AgentApp::stop() {
  auto& i = *impl_;
  if (!i.started) {
    return;
  }
  i.started = false;
  i.log_writer.flush();  // hand finished requests' rows to the queue for the last upload
  i.sync.stop();
  i.server.stop();
  i.pool.stop();
  i.log_writer.flush();
}

int runAgent(const std::vector<std::string>& args) {
  agents::AgentConfig config;
  try {
    config = agents::loadAgentConfig(args);
  } catch (const std::exception& e) {
    std::cerr << "llm-gateway agent: configuration error: " << e.what() << "\n";
    return 2;
  }
  return runUntilSignal("llm-gateway agent", config.log_level, [&config] {
    auto app = std::make_shared<AgentApp>(config);
    app->start();
    return std::function<void()>([app] { app->stop(); });
  });
}

}  // namespace gw::app
