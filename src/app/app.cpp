#include "app/app.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>

#include <iostream>

#include "admin/agent_routes.hpp"
#include "admin/routes.hpp"
#include "app/http_fetcher.hpp"
#include "app/static_files.hpp"
#include "app/wiring.hpp"
#include "auth/jwt.hpp"
#include "auth/login_limiter.hpp"
#include "core/blocking.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "dataplane/agent_forward.hpp"
#include "dataplane/dataplane.hpp"
#include "dataplane/snapshot.hpp"
#include "governance/budget.hpp"
#include "governance/key_guard.hpp"
#include "http/client/client_set.hpp"
#include "http/server.hpp"
#include "observe/gateway_metrics.hpp"
#include "observe/metrics.hpp"
#include "observe/request_log_sink.hpp"
#include "observe/usage_log_writer.hpp"
#include "presets/sync.hpp"
#include "routing/health.hpp"
#include "store/sqlite/preset_store.hpp"
#include "store/sqlite/request_log_store.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gw::app {

namespace {

constexpr const char* kDevSecret = "llm-gateway-development-only-secret-change-me";

}  // namespace

struct App::Impl {
  explicit Impl(Config c)
      : config(std::move(c)),
        jwt(config.jwt_secret.empty() ? kDevSecret : config.jwt_secret, config.jwt_ttl),
        login_limiter(clock),
        secrets(config.secret_key.empty() ? kDevSecret : config.secret_key),
        store(store::sqlite::openSqliteStore(config.db_path)),
        db(store::sqlite::databaseOf(*store)),
        logs(db),
        preset_store(db),
        tls(clientTlsContext(config)),
        fetcher(*tls, std::chrono::seconds(60)),
        presets(preset_store, fetcher, clock, config.litellm_presets_url),
        snapshots(*store, secrets),
        breakers(clock),
        guard(clock),
        log_sink(logs),
        log_writer(log_sink, clock, writerOptions()),
        metrics(registry),
        static_files(config.web_dir),
        server(serverOptions(config), router),
        admin_deps{*store, pool, jwt, clock, login_limiter, secrets, snapshots,
                   std::chrono::steady_clock::now(), clients, db, logs, presets, breakers, guard,
                   log_writer, kVersion, log_prompts, agent_liveness},
        dataplane_deps{snapshots, clients, guard, breakers, metrics, log_writer, clock,
                       dataplaneOptions(config), log_prompts,
                       dataplane::AgentForwarding{&agent_liveness, {}}} {}

  observe::UsageLogWriterOptions writerOptions() const {
    observe::UsageLogWriterOptions o;
    o.retention_days = config.log_retention_days;
    return o;
  }

  void buildClients() { addLoopClients(clients, server, *tls, upstreamClientOptions(config)); }

  /// Seeds each budgeted key's spend from the logs once per (key, period).
  void seedBudgets(const dataplane::Snapshot& snap) {
    std::lock_guard lock(seed_mutex);
    for (const auto& [hash, key] : snap.keys) {
      if (!key.limits.budget_usd) {
        continue;
      }
      const auto period = key.limits.budget_period;
      auto it = seeded.find(key.id);
      if (it != seeded.end() && it->second == period) {
        continue;
      }
      const auto since = governance::periodStart(period, clock.now());
      auto spent = logs.spendByKeySince(key.id, since);
      guard.budgets().load(key.id, period, spent ? *spent : 0.0);
      seeded[key.id] = period;
    }
  }

  void buildRoutes() {
    addHealthRoute(router);
    router.add("GET", "/readyz", [this](http::RequestContext& rc) -> http::net::awaitable<void> {
      const bool ready = co_await pool.run([this] { return store->ready(); });
      const json::object body{{"status", ready ? "ready" : "not_ready"},
                              {"store", ready ? "ok" : "unavailable"}};
      co_await rc.sendJson(ready ? 200 : 503, body);
    });
    addMetricsRoute(router, config.metrics_token, registry);
    admin::registerAuthRoutes(router, admin_deps);
    admin::registerProviderRoutes(router, admin_deps);
    admin::registerModelRoutes(router, admin_deps);
    admin::registerVirtualKeyRoutes(router, admin_deps);
    admin::registerRoutingConfigRoutes(router, admin_deps);
    admin::registerSystemRoutes(router, admin_deps);
    admin::registerPresetRoutes(router, admin_deps);
    admin::registerLogRoutes(router, admin_deps);
    admin::registerAgentRoutes(router, admin_deps, config.public_url);
    admin::registerAgentApiRoutes(router, admin_deps, "/proc/self/exe");
    dataplane::registerDataplaneRoutes(router, dataplane_deps);
    router.setFallback(static_files.handler());
  }

  Config config;
  SystemClock clock;
  auth::JwtSigner jwt;
  auth::LoginLimiter login_limiter;
  crypto::SecretBox secrets;
  store::StorePtr store;
  store::sqlite::Database& db;
  store::sqlite::RequestLogStore logs;
  store::sqlite::SqlitePresetStore preset_store;
  std::shared_ptr<boost::asio::ssl::context> tls;
  HttpFetcher fetcher;
  presets::PresetSync presets;
  dataplane::SnapshotService snapshots;
  routing::CircuitBreakerRegistry breakers;
  governance::KeyGuard guard;
  observe::SqliteRequestLogSink log_sink;
  observe::UsageLogWriter log_writer;
  observe::MetricsRegistry registry;
  observe::GatewayMetrics metrics;
  StaticFiles static_files;
  http::Router router;
  http::Server server;
  http::ClientSet clients;
  // Declared after the server so it is destroyed first: work still queued on it holds the
  // executors of the event loops, which must outlive it.
  BlockingPool pool{config.blocking_threads};
  std::atomic<bool> log_prompts{false};
  dataplane::AgentLiveness agent_liveness{clock, admin::kAgentOnlineWindow};
  admin::AdminDeps admin_deps;
  dataplane::DataplaneDeps dataplane_deps;
  std::mutex seed_mutex;
  std::map<std::int64_t, governance::BudgetPeriod> seeded;
  bool started = false;
};

App::App(Config config) {
  crypto::initSodium();
  impl_ = std::make_unique<Impl>(std::move(config));
}

App::~App() {
  if (impl_ && impl_->started) {
    stop();
  }
}

void App::start() {
  auto& i = *impl_;
  if (i.config.jwt_secret.empty()) {
    GW_LOG_WARN("JWT_SECRET is not set: using a development secret (refused in production)");
  }
  if (i.config.secret_key.empty()) {
    GW_LOG_WARN("SECRET_KEY is not set: provider keys are sealed with a development key");
  }
  if (auto loaded = i.presets.load(); !loaded) {
    GW_LOG_WARN("presets not loaded{}", log::kv("error", loaded.error().message));
  }
  // Settings saved from the admin UI win over the start-up configuration.
  if (auto days = i.store->settings().get("log_retention_days")) {
    try {
      i.log_writer.setRetentionDays(std::stoi(*days));
    } catch (const std::exception&) {
      GW_LOG_WARN("ignoring a malformed stored setting{}", log::kv("key", "log_retention_days"));
    }
  }
  if (auto prompts = i.store->settings().get("log_prompts")) {
    i.log_prompts = *prompts == "true";
  }
  i.snapshots.onPublish([&i](const dataplane::Snapshot& s) { i.seedBudgets(s); });
  i.snapshots.rebuild();
  i.metrics.attachLogWriter(i.log_writer);
  attachBreakerStates(i.metrics, i.breakers);
  i.buildClients();
  i.buildRoutes();
  admin::startPresetScheduler(i.admin_deps, i.server.loop(0), i.config.presets_auto_sync);
  i.server.bind();
  i.server.start();
  i.started = true;
  GW_LOG_INFO("listening{}{}{}{}{}", log::kv("host", i.config.host),
              log::kv("port", static_cast<long long>(i.server.port())),
              log::kv("threads", static_cast<long long>(i.server.loopCount())),
              log::kv("db", i.config.db_path),
              log::kv("web_ui", i.static_files.available() ? "yes" : "not built"));
}

unsigned short App::port() const { return impl_->server.port(); }

void App::stop() {
  auto& i = *impl_;
  if (!i.started) {
    return;
  }
  i.started = false;
  i.server.stop();
  // Blocking work still running (a presets download) must finish before the objects it uses
  // are destroyed; queued work is abandoned.
  i.pool.stop();
  i.log_writer.flush();
}

int runServe(const std::vector<std::string>& args) {
  Config config;
  try {
    config = loadConfig(args);
  } catch (const std::exception& e) {
    std::cerr << "llm-gateway: configuration error: " << e.what() << "\n";
    return 2;
  }
  return runUntilSignal("llm-gateway", config.log_level, [&config] {
    auto app = std::make_shared<App>(config);
    app->start();
    return std::function<void()>([app] { app->stop(); });
  });
}

}  // namespace gw::app
