#include "admin/routes.hpp"

namespace gw::admin {

// Placeholder until the system routes land.
void registerSystemRoutes(http::Router&, AdminDeps&) {}

}  // namespace gw::admin
