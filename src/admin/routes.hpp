#pragma once

#include <atomic>
#include <chrono>

#include "admin/common.hpp"
#include "auth/login_limiter.hpp"
#include "core/crypto.hpp"
#include "store/store.hpp"

namespace boost::asio {
class io_context;
}
namespace gw::dataplane {
class SnapshotService;
class AgentLiveness;
}
namespace gw::http {
class ClientSet;
}
namespace gw::store::sqlite {
class Database;
class RequestLogStore;
}
namespace gw::presets {
class PresetSync;
}
namespace gw::routing {
class CircuitBreakerRegistry;
}
namespace gw::governance {
class KeyGuard;
}
namespace gw::observe {
class UsageLogWriter;
class MetricsRegistry;
}

namespace gw::admin {

/// Everything the admin handlers use, owned by the composition root (app/).
struct AdminDeps {
  store::Store& store;
  BlockingPool& pool;
  const auth::JwtSigner& jwt;
  const Clock& clock;
  auth::LoginLimiter& login_limiter;
  const crypto::SecretBox& secrets;
  dataplane::SnapshotService& snapshots;
  std::chrono::steady_clock::time_point started_at;
  http::ClientSet& clients;          ///< the calling loop's upstream client: clients.current()
  store::sqlite::Database& db;       ///< for the SQLite-only stores below
  store::sqlite::RequestLogStore& logs;
  presets::PresetSync& presets;
  routing::CircuitBreakerRegistry& breakers;
  governance::KeyGuard& guard;       ///< budgets().spent() for a key's spent_usd
  observe::UsageLogWriter& log_writer;
  std::string version;
  std::atomic<bool>& log_prompts;    ///< live copy of the `log_prompts` setting
  dataplane::AgentLiveness& agent_liveness;  ///< agents seen (heartbeat, check), for forwarding
};

/// Each registers one resource's routes (paths in docs/api.md).
void registerAuthRoutes(http::Router& r, AdminDeps& d);
void registerProviderRoutes(http::Router& r, AdminDeps& d);
void registerModelRoutes(http::Router& r, AdminDeps& d);
void registerVirtualKeyRoutes(http::Router& r, AdminDeps& d);
void registerRoutingConfigRoutes(http::Router& r, AdminDeps& d);
void registerSystemRoutes(http::Router& r, AdminDeps& d);
void registerPresetRoutes(http::Router& r, AdminDeps& d);
void registerLogRoutes(http::Router& r, AdminDeps& d);

/// When `auto_sync`, runs the LiteLLM presets sync on `loop`: once at start-up if no preset is
/// stored, then every presets::kSyncInterval (the download itself on the blocking pool). Ends
/// when the loop stops.
void startPresetScheduler(AdminDeps& d, boost::asio::io_context& loop, bool auto_sync);

}  // namespace gw::admin
