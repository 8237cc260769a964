#pragma once

#include <chrono>

#include "admin/common.hpp"
#include "auth/login_limiter.hpp"
#include "core/crypto.hpp"
#include "store/store.hpp"

namespace gw::dataplane {
class SnapshotService;
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
};

/// Each registers one resource's routes (paths in docs/api.md).
void registerAuthRoutes(http::Router& r, AdminDeps& d);
void registerProviderRoutes(http::Router& r, AdminDeps& d);
void registerModelRoutes(http::Router& r, AdminDeps& d);
void registerVirtualKeyRoutes(http::Router& r, AdminDeps& d);
void registerRoutingConfigRoutes(http::Router& r, AdminDeps& d);
void registerSystemRoutes(http::Router& r, AdminDeps& d);

}  // namespace gw::admin
