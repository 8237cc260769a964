#include "app/app.hpp"

#include <csignal>
#include <iostream>

#include "admin/routes.hpp"
#include "app/static_files.hpp"
#include "auth/jwt.hpp"
#include "auth/login_limiter.hpp"
#include "core/blocking.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/log.hpp"
#include "dataplane/snapshot.hpp"
#include "http/server.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace gw::app {

namespace {

constexpr const char* kDevSecret = "llm-gateway-development-only-secret-change-me";

}  // namespace

struct App::Impl {
  explicit Impl(Config c)
      : config(std::move(c)),
        pool(config.blocking_threads),
        jwt(config.jwt_secret.empty() ? kDevSecret : config.jwt_secret, config.jwt_ttl),
        login_limiter(clock),
        secrets(config.secret_key.empty() ? kDevSecret : config.secret_key),
        store(store::sqlite::openSqliteStore(config.db_path)),
        snapshots(*store, secrets),
        static_files(config.web_dir),
        admin_deps{*store, pool, jwt, clock, login_limiter, secrets, snapshots,
                   std::chrono::steady_clock::now()} {}

  void buildRoutes() {
    router.add("GET", "/healthz", [](http::RequestContext& rc) -> http::net::awaitable<void> {
      const json::object body{{"status", "ok"}};
      co_await rc.sendJson(200, body);
    });
    router.add("GET", "/readyz", [this](http::RequestContext& rc) -> http::net::awaitable<void> {
      const bool ready = co_await pool.run([this] { return store->ready(); });
      const json::object body{{"status", ready ? "ready" : "not_ready"},
                              {"store", ready ? "ok" : "unavailable"}};
      co_await rc.sendJson(ready ? 200 : 503, body);
    });
    admin::registerAuthRoutes(router, admin_deps);
    router.setFallback(static_files.handler());
  }

  Config config;
  SystemClock clock;
  BlockingPool pool;
  auth::JwtSigner jwt;
  auth::LoginLimiter login_limiter;
  crypto::SecretBox secrets;
  store::StorePtr store;
  dataplane::SnapshotService snapshots;
  StaticFiles static_files;
  admin::AdminDeps admin_deps;
  http::Router router;
  std::unique_ptr<http::Server> server;
};

App::App(Config config) {
  crypto::initSodium();
  impl_ = std::make_unique<Impl>(std::move(config));
}

App::~App() {
  if (impl_ && impl_->server) {
    impl_->server->stop();
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
  i.snapshots.rebuild();
  i.buildRoutes();
  http::ServerOptions so;
  so.host = i.config.host;
  so.port = i.config.port;
  so.threads = i.config.threads;
  so.max_body_bytes = i.config.max_body_bytes;
  so.max_header_bytes = i.config.max_header_bytes;
  so.header_timeout = i.config.header_timeout;
  so.body_timeout = i.config.body_timeout;
  so.idle_timeout = i.config.idle_timeout;
  so.shutdown_grace = i.config.shutdown_grace;
  i.server = std::make_unique<http::Server>(so, i.router);
  i.server->bind();
  i.server->start();
  GW_LOG_INFO("listening{}{}{}{}", log::kv("host", i.config.host),
              log::kv("port", static_cast<long long>(i.server->port())),
              log::kv("threads", static_cast<long long>(i.server->loopCount())),
              log::kv("web_ui", i.static_files.available() ? "yes" : "not built"));
}

unsigned short App::port() const { return impl_->server ? impl_->server->port() : 0; }

void App::stop() {
  if (impl_->server) {
    impl_->server->stop();
    impl_->server.reset();
  }
}

int runServe(const std::vector<std::string>& args) {
  Config config;
  try {
    config = loadConfig(args);
  } catch (const std::exception& e) {
    std::cerr << "llm-gateway: configuration error: " << e.what() << "\n";
    return 2;
  }
  if (!log::setup(config.log_level)) {
    std::cerr << "llm-gateway: configuration error: LOG_LEVEL: unknown level\n";
    return 2;
  }
  // Block the signals in every thread; the main thread waits for them below.
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
  try {
    App app(config);
    app.start();
    int sig = 0;
    sigwait(&set, &sig);
    GW_LOG_INFO("shutting down{}", log::kv("signal", static_cast<long long>(sig)));
    app.stop();
    GW_LOG_INFO("stopped");
  } catch (const std::exception& e) {
    GW_LOG_ERROR("fatal{}", log::kv("error", e.what()));
    return 1;
  }
  return 0;
}

}  // namespace gw::app
